"""One hard deadline per answer, with at most one retry when nothing has been streamed yet.

The provider runs on a worker thread and hands chunks over a queue, so a stalled connection can
never hold the caller past its deadline; the worker ends on its own when its socket times out.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.answering.types import Answerer, AnswerFacts, AnswerRequest, Clock, ProviderError

log = logging.getLogger(__name__)

MIN_ATTEMPT_S = 0.05
"""Don't start an attempt with less time than this left: it could only time out."""


@dataclass(frozen=True)
class StreamResult:
    """What reached the caller, and why streaming stopped early if it did."""

    text: str
    error: str | None
    timed_out: bool
    attempts: int
    facts: AnswerFacts | None = None  # what a service reported at the end (`http` provider)


@dataclass(frozen=True)
class _Failure:
    message: str
    retryable: bool
    timed_out: bool


def stream_with_deadline(
    answerer: Answerer,
    request: AnswerRequest,
    *,
    on_chunk: Callable[[str], None],
    clock: Clock,
    deadline: float,
) -> StreamResult:
    """Stream through `on_chunk` until done, failed or `deadline` (in `clock` seconds)."""
    parts: list[str] = []
    facts: list[AnswerFacts] = []
    failure = _Failure("deadline reached before the first attempt", False, True)
    for attempt in (1, 2):
        remaining = deadline - clock()
        if remaining < MIN_ATTEMPT_S:
            return StreamResult("".join(parts), failure.message, failure.timed_out, attempt - 1)
        outcome = _attempt(answerer, request, parts, facts, on_chunk, clock, deadline)
        if outcome is None:
            return StreamResult("".join(parts), None, False, attempt, facts[-1] if facts else None)
        failure = outcome
        log.warning("answer attempt %d failed: %s", attempt, failure.message)
        # A retry after text reached the user would repeat it; a timeout has no time left.
        if not failure.retryable or parts or failure.timed_out:
            return StreamResult("".join(parts), failure.message, failure.timed_out, attempt)
    return StreamResult("".join(parts), failure.message, failure.timed_out, 2)


def _attempt(
    answerer: Answerer,
    request: AnswerRequest,
    parts: list[str],
    facts: list[AnswerFacts],
    on_chunk: Callable[[str], None],
    clock: Clock,
    deadline: float,
) -> _Failure | None:
    handoff: queue.Queue[str | AnswerFacts | ProviderError | None] = queue.Queue()
    abandoned = threading.Event()
    budget = max(deadline - clock(), MIN_ATTEMPT_S)
    worker = threading.Thread(
        target=_produce,
        args=(answerer, request, budget, handoff, abandoned),
        name="lastmile-answer",
        daemon=True,
    )
    worker.start()
    while True:
        try:
            item = handoff.get(timeout=max(deadline - clock(), 0.0))
        except queue.Empty:
            abandoned.set()
            return _Failure(f"timeout after {budget:.1f}s", False, True)
        if item is None:
            return None
        if isinstance(item, ProviderError):
            if clock() >= deadline:  # the SDK's own timeout (the same budget) won the race
                return _Failure(f"timeout after {budget:.1f}s", False, True)
            return _Failure(str(item), item.retryable, False)
        if isinstance(item, AnswerFacts):
            facts.append(item)
            continue
        parts.append(item)
        on_chunk(item)


def _produce(
    answerer: Answerer,
    request: AnswerRequest,
    budget: float,
    handoff: queue.Queue[str | AnswerFacts | ProviderError | None],
    abandoned: threading.Event,
) -> None:
    try:
        for chunk in answerer.stream(request, timeout_s=budget):
            if abandoned.is_set():
                return
            if chunk:
                handoff.put(chunk)
        handoff.put(None)
    except ProviderError as exc:
        handoff.put(exc)
    except Exception as exc:  # a worker thread must hand every failure back, never drop it
        log.exception("provider %s raised unexpectedly", answerer.provider)
        handoff.put(ProviderError(f"{type(exc).__name__}: {exc}", retryable=False))
