"""What an answer says when its sources disagree (bot/answering/conflicts.py finds them).

The newer page goes first in the context (offline, its sentences are the ones quoted); a model
is told which passages disagree and asked to prefer the newer and say so; every answer then ends
with one line naming both pages, their values and dates, and the confidence line says it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.answering.conflicts import Claim, Conflict, find_conflict
from bot.answering.knowledge import Hit
from bot.answering.types import AnswerOutcome, Passage

DISAGREE_LINE = "Sources disagree: check before relying on this"
MAX_CONFIDENCE = 0.5
"""An answer over contradicting pages is never shown as grounded."""


def answer_conflict(question: str, hits: list[Hit]) -> Conflict | None:
    """A conflict that concerns this answer: one of its two pages is the best match.

    A disagreement between two lesser hits ("paid" parental leave when asked about pay day)
    is not what the answer is about: it would be noise, and reordering for it would put an
    off-topic page first.
    """
    conflict = find_conflict(question, hits)  # None unless two hits disagree
    if conflict is None:
        return None
    top = hits[0].passage.path
    if top not in (conflict.newer.passage.path, conflict.older.passage.path):
        return None
    return conflict


def newer_first(hits: list[Hit], conflict: Conflict | None) -> tuple[Passage, ...]:
    """The context passages, the newer claim's passage first when the dates say which it is."""
    passages = [hit.passage for hit in hits]
    if conflict is None or not conflict.dated or passages[0].path == conflict.newer.passage.path:
        return tuple(passages)  # the best match is already the newer page: keep its best passage
    newer = conflict.newer.passage
    return (newer, *(p for p in passages if p != newer))


def _when(claim: Claim) -> str:
    updated = claim.updated
    return f"updated {updated:%d %b %Y}" if updated else "no date"


def model_note(conflict: Conflict) -> str:
    """What a model is told before it answers (inside the escaped <note> element)."""
    new, old = conflict.newer, conflict.older
    prefer = "Prefer the newer one" if conflict.dated else "Neither is dated; say so"
    return (
        f'The sources disagree: "{new.passage.title}" ({_when(new)}) says "{new.quantity.text}" '
        f'and "{old.passage.title}" ({_when(old)}) says "{old.quantity.text}". {prefer}, cite '
        "both, and tell the asker the sources disagree."
    )


def disagreement_line(conflict: Conflict) -> str:
    """The line every answer over these pages ends with (mrkdwn; the sink escapes it)."""
    new, old = conflict.newer, conflict.older
    said = (
        f"*{new.passage.title}* ({_when(new)}) says *{new.quantity.text}*; "
        f"*{old.passage.title}* ({_when(old)}) says *{old.quantity.text}*."
    )
    if conflict.dated:
        return f"\n\n:warning: The sources disagree: {said} The newer page is more likely right."
    return f"\n\n:warning: The sources disagree: {said} Neither page says which is current."


def with_disagreement(outcome: AnswerOutcome, conflict: Conflict) -> AnswerOutcome:
    """The outcome with the line appended (already streamed) and the confidence lowered."""
    return replace(
        outcome,
        text=outcome.text + disagreement_line(conflict),
        confidence=min(outcome.confidence, MAX_CONFIDENCE),
        confidence_line=DISAGREE_LINE,
    )
