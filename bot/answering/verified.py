"""Verified answers: an owner-approved answer is served verbatim when the question matches it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.answering.text import tokens
from bot.answering.types import VerifiedEntry

MATCH_THRESHOLD = 80.0
"""token_sort_ratio over content words. Tuned on paraphrases (>= 84) against near misses such as
"reset my email password" vs "reset my VPN password" (<= 74); see tests/test_answering_verified.py.
"""


@dataclass(frozen=True)
class VerifiedMatch:
    """The verified entry that answers a question and how closely it matched (0-100)."""

    entry: VerifiedEntry
    score: float


def content_key(text: str) -> str:
    """The question's distinct content words, sorted: word order and filler words don't matter."""
    return " ".join(sorted(set(tokens(text))))


def match_verified(
    question: str, verified: Sequence[VerifiedEntry], *, threshold: float = MATCH_THRESHOLD
) -> VerifiedMatch | None:
    """The best verified entry scoring at least `threshold`, or None."""
    key = content_key(question)
    if not key or not verified:
        return None
    choices = [content_key(entry.question) for entry in verified]
    best = process.extractOne(key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=threshold)
    if best is None:
        return None
    _, score, index = best
    return VerifiedMatch(entry=verified[index], score=float(score))


def verified_line(entry: VerifiedEntry) -> str:
    """The marker shown under a verified answer."""
    return f"Verified by {entry.owner}, {entry.verified_on.isoformat()}"
