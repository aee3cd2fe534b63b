"""The questions verified-answer matching is measured on: paraphrases and near misses.

`NEAR_MISSES` are the same words on another subject than the demo's corrected topics
(bot/demo/topics.py): serving a verified answer to any of them is a wrong serve. Used by
`python -m bench.bench_verified`, tests/test_answering_verified.py, and the demo's numbers
(`wrong_serves`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.answering.types import VerifiedEntry
from bot.answering.verified import match_verified
from bot.answering.verified_checks import MatchCheck

PARAPHRASES: dict[str, tuple[str, ...]] = {
    "vacation-days": (
        "How many days of holiday do I get?",
        "how many days of paid time off do I get a year",
        "vacation days?",
        "What is my yearly vacation allowance in days?",
    ),
    "parental-leave": (
        "How long is parental leave?",
        "parental leave: how many weeks?",
        "How many weeks of maternity leave do I get?",
    ),
    "vpn": ("how do I connect to the vpn when I'm at home", "VPN connection from home?"),
    "password-change": (
        "Do I need to change my password regularly?",
        "how often should I change my password",
    ),
    "meal-allowance": ("daily meal allowance for business trips?", "meal allowance per day"),
    "book-travel": ("Where do I book a business trip?", "how to book business travel"),
}
"""More ways to ask each corrected topic, beyond the demo's week-2 wordings."""

NEAR_MISSES: tuple[str, ...] = (
    "How many vacation days do contractors get?",
    "vacation days for contractors",
    "Can I carry over unused vacation days to next year?",
    "How do I request vacation days?",
    "How many sick days do I get per year?",
    "How do I reset my email password?",
    "How do I reset my VPN password?",
    "reset my password",
    "parental leave for adoptions",
    "How do I apply for parental leave?",
    "Is parental leave paid for part-time employees?",
    "How many weeks of notice do I have to give?",
    "What is the VPN server address?",
    "Can I use the VPN on my phone?",
    "How do I change my Slack display name?",
    "How often do I have to change my laptop?",
    "What is the meal allowance for a team dinner?",
    "Can I expense meals when working from home?",
    "Where do I book a meeting room?",
    "Who approves business travel?",
    "How do I cancel a business trip booking?",
    "Where do I book a desk in the office?",
    "What is the allowance on a business trip?",
    "How many weeks do parents get?",
    "connect from home",
)
"""Same words, another subject: serving a verified answer to any of these is a wrong serve."""


def wrong_serves(
    questions: Iterable[str], verified: Sequence[VerifiedEntry], checks: Sequence[MatchCheck] = ()
) -> list[tuple[str, int]]:
    """The questions that would be served a verified answer, with its id (should be none)."""
    found = []
    for question in questions:
        match = match_verified(question, verified, checks=checks)
        if match is not None:
            found.append((question, match.entry.id))
    return found
