"""Honest uncertainty: a confidence in [0, 1] from retrieval support, and the line users see.

Mapping (documented in docs/answering.md):
- verified answer                       -> 1.0, "Verified by <owner>, <date>"
- provider failed                       -> 0.0, "No answer: check before relying on this"
- no cited source                       -> <= 0.1, "No source found: check before relying on this"
- confidence >= 0.6                     -> "Grounded in N source(s)"
- otherwise                             -> "Weak support: check before relying on this"
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.knowledge import Hit
from bot.answering.types import Grounding, Passage, Source

GROUNDED = 0.6
AGREEMENT_COVERAGE = 0.5
_FACTOR: dict[Grounding, float] = {"llm": 0.9, "extractive": 0.8}
_CITATION = re.compile(r"\[(\d{1,2})\]")

NO_SOURCE_LINE = "No source found: check before relying on this"
WEAK_LINE = "Weak support: check before relying on this"
FAILED_LINE = "No answer: check before relying on this"


def confidence(hits: Sequence[Hit], sources: Sequence[Source], grounding: Grounding) -> float:
    """Top hit's coverage scaled by how the answer was made, plus 0.1 when 2+ files agree."""
    if not hits or not sources:
        # An LLM may still answer from general knowledge; extractive answers cannot.
        return 0.1 if grounding == "llm" else 0.0
    agreeing = {hit.passage.path for hit in hits if hit.coverage >= AGREEMENT_COVERAGE}
    bonus = 0.1 if len(agreeing) >= 2 else 0.0
    return round(min(1.0, hits[0].coverage * _FACTOR[grounding] + bonus), 3)


def confidence_line(value: float, sources: Sequence[Source]) -> str:
    """The short line shown under an answer."""
    if not sources:
        return NO_SOURCE_LINE
    if value >= GROUNDED:
        count = len(sources)
        return f"Grounded in {count} source{'s' if count != 1 else ''}"
    return WEAK_LINE


def cited_sources(text: str, context: Sequence[Passage], grounding: Grounding) -> list[Source]:
    """Files the answer cites as [n]; an uncited LLM answer falls back to all context files."""
    cited = [int(n) for n in _CITATION.findall(text) if 1 <= int(n) <= len(context)]
    if not cited and grounding == "llm":
        cited = list(range(1, len(context) + 1))
    sources: dict[str, Source] = {}
    for n in cited:
        passage = context[n - 1]
        sources.setdefault(passage.path, Source(passage.title, passage.path, passage.url))
    return list(sources.values())
