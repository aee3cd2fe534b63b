"""Offline answering for tests: `answer_question`, or a whole Runtime, on the offline answerer."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.answering import KnowledgeBase, answer_question, load_prompt, make_answerer
from bot.answering.core import DEFAULT_DEADLINE_S
from bot.answering.types import AnswerOutcome, Clock, VerifiedEntry
from bot.clock import system_clock
from bot.runtime import Runtime
from bot.settings import Settings
from storage import Store


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


def offline_runtime(
    store: Store, settings: Settings, clock: Callable[[], datetime] = system_clock
) -> Runtime:
    """A Runtime on `store` with the offline answerer and the settings' knowledge folder."""
    return Runtime(
        settings=settings,
        store=store,
        answerer=make_answerer(provider="offline"),
        knowledge=KnowledgeBase.load(settings.knowledge_dir),
        prompt=load_prompt(),
        clock=clock,
    )
