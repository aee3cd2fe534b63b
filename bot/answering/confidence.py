"""Honest uncertainty: a confidence in [0, 1] from retrieval support, and the line users see.

Mapping (documented in docs/answering.md):
- verified answer                       -> 1.0, "Verified by <owner>, <date>"
- provider failed                       -> 0.0, "No answer: check before relying on this"
- no cited source                       -> <= 0.1, "No source found: check before relying on this"
- the sources disagree                  -> <= 0.5, "Sources disagree: ..." (disagreement.py)
- confidence >= 0.6                     -> "Grounded in N source(s)"
  (never when another file matches the question as well as the top one: see `confidence`)
- otherwise                             -> "Weak support: check before relying on this"
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.citations import renumber
from bot.answering.knowledge import Hit
from bot.answering.types import Grounding, Passage, Source

GROUNDED = 0.6
RIVAL_SCORE = 0.8
"""Another file whose hit covers as much of the question and scores within this share of the
top hit is a rival: retrieval cannot tell which of the two answers the question."""
RIVAL_FACTOR = 0.6
"""Enough to keep even a full-coverage LLM answer (0.9 x 0.6) under GROUNDED."""
_FACTOR: dict[Grounding, float] = {"llm": 0.9, "extractive": 0.8}

NO_SOURCE_LINE = "No source found: check before relying on this"
WEAK_LINE = "Weak support: check before relying on this"
FAILED_LINE = "No answer: check before relying on this"


def confidence(hits: Sequence[Hit], sources: Sequence[Source], grounding: Grounding) -> float:
    """Top hit's coverage scaled by how the answer was made, and by RIVAL_FACTOR with a rival.

    Two files matching equally well is not agreement: in a knowledge folder it is most often an
    outdated page next to its replacement, or a question too vague to tell ("pay day" is in the
    payroll, sick pay and invoice pages), so it lowers confidence below GROUNDED.
    """
    if not hits or not sources:
        # An LLM may still answer from general knowledge; extractive answers cannot.
        return 0.1 if grounding == "llm" else 0.0
    top = hits[0]
    value = top.coverage * _FACTOR[grounding]
    if any(_rivals(top, hit) for hit in hits[1:]):
        value *= RIVAL_FACTOR
    return round(min(1.0, value), 3)


def _rivals(top: Hit, other: Hit) -> bool:
    return (
        other.passage.path != top.passage.path
        and other.coverage >= top.coverage
        and other.score >= RIVAL_SCORE * top.score
    )


def confidence_line(value: float, sources: Sequence[Source]) -> str:
    """The short line shown under an answer."""
    if not sources:
        return NO_SOURCE_LINE
    if value >= GROUNDED:
        count = len(sources)
        return f"Grounded in {count} source{'s' if count != 1 else ''}"
    return WEAK_LINE


def cited_sources(text: str, context: Sequence[Passage], grounding: Grounding) -> list[Source]:
    """Files a provider's text cites as passage numbers [n], in the order of their first citation
    (the order they are listed and renumbered in, see bot/answering/citations.py)."""
    return listed_sources(renumber(text, context)[1], context, grounding)


def listed_sources(
    cited: list[Source], context: Sequence[Passage], grounding: Grounding
) -> list[Source]:
    """The cited files; an LLM answer that cites nothing lists every context file instead."""
    if cited or grounding != "llm":
        return cited
    sources: dict[str, Source] = {}
    for passage in context:
        sources.setdefault(passage.path, Source.of(passage))
    return list(sources.values())
