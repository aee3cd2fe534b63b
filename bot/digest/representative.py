"""Offline theme labels a person reads at a glance: the theme's most representative question.

Clustering describes a theme by its key terms ("days year · vacation"), which is how themes are
matched across weeks but reads as a bag of words. Without a model to write a label, the digest
shows one of the theme's own questions instead: among those short enough to read whole, the one
that covers most of the key terms (the first terms count most), then the one asked most often.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

MAX_LABEL_CHARS = 80
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> set[str]:
    return {_singular(word) for word in _WORD.findall(text.lower())}


def _term_weights(key_terms: Sequence[str]) -> dict[str, float]:
    """Each key word weighs by its term's rank: the first term 1, the second 1/2, ..."""
    weights: dict[str, float] = {}
    for rank, term in enumerate(key_terms):
        for word in _words(term):
            weights.setdefault(word, 1.0 / (rank + 1))
    return weights


def tidy_question(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """One line, first letter upper case, cut at a word boundary with an ellipsis past `limit`."""
    line = " ".join(text.split())
    if not line:
        return line
    line = line[0].upper() + line[1:]
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"


def representative_question(key_terms: Sequence[str], questions: Sequence[str]) -> str | None:
    """The label for a theme: its question that best stands for it, tidied; None if none."""
    asked = Counter(" ".join(q.split()) for q in questions if q.strip())
    if not asked:
        return None
    weights = _term_weights(key_terms)

    def rank(question: str) -> tuple[bool, float, int, int, str]:
        coverage = sum(weights.get(word, 0.0) for word in _words(question))
        fits = len(question) <= MAX_LABEL_CHARS
        return (fits, round(coverage, 6), asked[question], -len(question), question)

    return tidy_question(max(asked, key=rank))
