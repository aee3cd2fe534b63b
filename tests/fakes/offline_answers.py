"""`answer_question` as the answering tests call it: the offline answerer and the shipped prompt."""

from __future__ import annotations

import time
from collections.abc import Sequence

from bot.answering import KnowledgeBase, answer_question, load_prompt, make_answerer
from bot.answering.core import DEFAULT_DEADLINE_S
from bot.answering.types import AnswerOutcome, Clock, VerifiedEntry


def answer_offline(
    question: str,
    *,
    knowledge: KnowledgeBase | None = None,
    verified: Sequence[VerifiedEntry] = (),
    clock: Clock = time.monotonic,
    deadline_s: float = DEFAULT_DEADLINE_S,
) -> tuple[AnswerOutcome, list[str]]:
    """Answer with no history (empty knowledge unless given); returns the outcome and its chunks."""
    chunks: list[str] = []
    outcome = answer_question(
        question,
        (),
        answerer=make_answerer(provider="offline"),
        knowledge=knowledge if knowledge is not None else KnowledgeBase([]),
        verified=verified,
        prompt=load_prompt(),
        on_chunk=chunks.append,
        clock=clock,
        deadline_s=deadline_s,
    )
    return outcome, chunks
