"""Scoring a replayed answer against its correction: fuzzy overlap plus the correction's numbers.

`token_set_ratio` (rapidfuzz) is 100 when every word of the correction appears in the answer, so
a longer answer that contains the corrected fact still scores high. Numbers decide most policy
facts (25 days, not 20), so every number in the correction must appear in the answer too.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

FIXED_THRESHOLD = 60.0
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def numbers(text: str) -> set[str]:
    """The numbers written in `text` ("2,000" and "2000" count as the same)."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def score_answer(answer: str, expected: str) -> tuple[float, bool]:
    """(similarity 0-100, fixed): similar enough, and no number of `expected` missing."""
    score = float(fuzz.token_set_ratio(_normal(expected), _normal(answer)))
    missing = numbers(expected) - numbers(answer)
    return round(score, 1), score >= FIXED_THRESHOLD and not missing
