"""Small one-shot model tasks (theme labels, the eval judge) over the same `Answerer` providers.

A task is a versioned system prompt plus delimited data: `items` become numbered
`<passage title="...">` elements and `text` the `<question>`, both escaped by
`bot.answering.messages` exactly as answers are, so nothing in the data can pose as
instructions. The caller gets the whole reply, or None on any provider error or when the one
deadline passes: tasks are optional extras and must never fail the feature that asks for them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.deadline import stream_with_deadline
from bot.answering.prompt import Prompt
from bot.answering.types import Answerer, AnswerRequest, Clock, Passage

log = logging.getLogger(__name__)

MIN_CALL_S = 1.0
"""A call with less time left than this is not started: the run's budget is spent."""


def task_request(prompt: Prompt, text: str, items: Sequence[tuple[str, str]] = ()) -> AnswerRequest:
    """The request for one task: `items` are (title, text) pairs shown as numbered passages."""
    context = tuple(Passage(title=title, path="", heading="", text=body) for title, body in items)
    return AnswerRequest(question=text, history=(), context=context, prompt=prompt)


def complete(
    answerer: Answerer,
    prompt: Prompt,
    text: str,
    *,
    timeout_s: float,
    items: Sequence[tuple[str, str]] = (),
    clock: Clock = time.monotonic,
) -> str | None:
    """The model's whole reply within `timeout_s`, or None on an error, a timeout or no text.

    Like answers, a 429/5xx before any text is retried once inside the same deadline.
    """
    request = task_request(prompt, text, items)
    parts: list[str] = []
    result = stream_with_deadline(
        answerer, request, on_chunk=parts.append, clock=clock, deadline=clock() + timeout_s
    )
    if result.error is not None:
        log.warning("%s task failed (%s): %s", prompt.name, answerer.provider, result.error)
        return None
    reply = "".join(parts).strip()
    return reply or None


@dataclass
class RunBudget:
    """One run's time for an optional task: each call's deadline, and giving up for the run.

    The budget starts at the first call. `give_up()` (after an error or a timeout) or a spent
    budget makes every later `next_timeout()` None, so a failing provider costs one deadline.
    """

    timeout_s: float
    budget_s: float
    clock: Clock = time.monotonic
    gave_up: bool = False
    _ends_at: float | None = None

    def next_timeout(self) -> float | None:
        """The next call's deadline in seconds, or None: don't call."""
        if self.gave_up:
            return None
        if self._ends_at is None:
            self._ends_at = self.clock() + self.budget_s
        timeout = min(self.timeout_s, self._ends_at - self.clock())
        if timeout < MIN_CALL_S:
            self.gave_up = True
            return None
        return timeout

    def give_up(self) -> None:
        """No more calls this run."""
        self.gave_up = True
