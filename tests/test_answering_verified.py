"""Verified answers are served first, verbatim, for paraphrases, and never for near misses."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering import (
    AnswerOutcome,
    VerifiedEntry,
)
from bot.answering.verified import match_verified
from tests.fakes.offline_answers import answer_offline

VERIFIED = [
    VerifiedEntry(7, "How do I reset my VPN password?", "Use https://vpn.example/reset.", "@ana",
                  date(2026, 11, 2)),
    VerifiedEntry(8, "What is the parental leave policy?", "20 weeks, full pay.", "@bo",
                  date(2026, 10, 1)),
    VerifiedEntry(9, "How do I expense a client dinner?", "Expensify, with the client's name.",
                  "@cy", date(2026, 9, 9)),
]  # fmt: skip


def ask(question: str) -> tuple[AnswerOutcome, list[str]]:
    """Answer offline against an empty knowledge base with the verified entries above."""
    return answer_offline(question, verified=VERIFIED)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("how can I reset my vpn password", 7),
        ("I forgot my VPN password, how do I reset it?", 7),
        ("reset VPN password", 7),
        ("What's our parental leave policy", 8),
        ("how do I expense a dinner with a client", 9),
    ],
)
def test_a_paraphrase_gets_the_verified_answer_verbatim(question: str, entry_id: int) -> None:
    outcome, chunks = ask(question)
    entry = next(e for e in VERIFIED if e.id == entry_id)
    assert outcome.verified_answer_id == entry_id
    assert outcome.text == entry.answer and chunks == [entry.answer]
    assert outcome.confidence == 1.0
    assert outcome.confidence_line == f"Verified by {entry.owner}, {entry.verified_on.isoformat()}"


@pytest.mark.parametrize(
    "question",
    [
        "How do I reset my email password?",
        "What is the sick leave policy?",
        "How do I expense a train ticket?",
        "What is the VPN server address?",
        "How do I reset my laptop",
    ],
)
def test_a_near_miss_or_unrelated_question_is_not_served_a_verified_answer(question: str) -> None:
    assert match_verified(question, VERIFIED) is None
    outcome, _ = ask(question)
    assert outcome.verified_answer_id is None
    assert outcome.provider == "offline"
