"""Exactly-once processing of Slack events: the contract every slow event listener follows.

How an Events API delivery flows (HTTP and Socket Mode alike):

1. `ExactlyOnceEvents` (handlers/middleware/delivery.py), a global middleware, runs before any
   listener. For an `event_callback` it records the event with
   `store.claim_event(event_id, kind, payload)` BEFORE Bolt acknowledges. A redelivery (a
   Slack retry, or the same event at another replica) finds the row and is acked 200 and
   skipped: no listener sees it. If the database is down it answers 503, so Slack retries
   later and nothing is lost. Messages from bots (ours included) never reach listeners.
2. Bolt acks, then runs the listener on its thread pool (process_before_response=False).
3. A listener that does slow or side-effecting work (an LLM call, posting an answer) wraps it:

       def on_app_mention(body: dict[str, Any], ...) -> None:
           run_once(runtime, event_id_of(body), lambda: answer(...))

   `run_once` atomically takes the event (`store.take_event`: only one taker across threads,
   processes and replicas), runs `work`, then `store.finish_event`. When `work` raises, the
   event goes back to `received` for a later sweep, or becomes `failed` after `MAX_ATTEMPTS`.
4. After a crash between the ack and the end of the work, `handlers/resume.py` re-dispatches
   unfinished events through the app on start (and every minute): the listener runs again and
   `run_once` takes the event once.

Every event listener therefore goes through `run_once`, quick ones too (reactions, the Home
tab, the assistant greeting): an event is `done` only when its work is, so the sweep never
repeats finished work. An event no listener matches reaches the catch-all listener that
`register_fallback` adds last, which acks it 200 and marks it `ignored` at once (stock Bolt
would answer 404, and Slack may disable a subscription that keeps failing). Commands, actions
and view submissions have no event id: they are acknowledged and handled directly.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from storage.queries.base import as_utc

MAX_ATTEMPTS = 3
MIN_STALE_S = 300.0
RETRY_AFTER_S = 5.0
"""A queued event whose work failed is tried again after this many seconds times its attempt."""
MAX_RETRY_AFTER_S = 60.0
GIVE_UP_AFTER_S = 600.0
"""A queued event is given up on once it failed MAX_ATTEMPTS times and is at least this old."""
RESUMED = "lastmile_resumed"
"""Context key set on requests that handlers/resume.py re-dispatches (already recorded)."""
QUEUED = "lastmile_queued"
"""Context key: this command was recorded for the event workers; its slow listener must not run."""
QUEUED_COMMANDS = {"/ask": "command.ask"}
"""Slash commands whose slow part the workers run, and the kind they are recorded as."""

logger = logging.getLogger(__name__)
_held = threading.local()


@dataclass(frozen=True)
class Held:
    """The event a queue worker holds in this thread: which attempt, and when Slack sent it."""

    event_id: str
    attempt: int
    received_at: datetime | None = None


@contextmanager
def holding_event(
    event_id: str, attempt: int, received_at: datetime | None = None
) -> Iterator[None]:
    """Mark `event_id` as already taken by this thread (a worker claimed it from the queue).

    `run_once` inside the block runs the work without taking the event again.
    """
    previous = getattr(_held, "event", None)
    _held.event = Held(event_id, attempt, received_at)
    try:
        yield
    finally:
        _held.event = previous


def is_held(event_id: str) -> bool:
    """True inside `holding_event(event_id, ...)`: a queue worker runs this event now."""
    return _held_attempt(event_id) is not None


def queued_command_id(body: Mapping[str, Any]) -> str:
    """The queue's id for one slash-command invocation (commands have no event_id)."""
    return f"command:{body.get('trigger_id', '')}"


def _held_attempt(event_id: str) -> int | None:
    held = _held_event(event_id)
    return held.attempt if held is not None else None


def _held_event(event_id: str) -> Held | None:
    held: Held | None = getattr(_held, "event", None)
    return held if held is not None and held.event_id == event_id else None


def _out_of_retries(runtime: Runtime, held: Held, attempt: int, max_attempts: int) -> bool:
    """A queued event is given up on only after `max_attempts` AND `GIVE_UP_AFTER_S`.

    Database cuts fail attempts in bursts (and can't even record the failure); counting
    attempts alone gave up on questions a minute later would have answered.
    """
    if attempt < max_attempts:
        return False
    if held.received_at is None:
        return True
    age = as_utc(runtime.clock()) - as_utc(held.received_at)
    return age >= timedelta(seconds=GIVE_UP_AFTER_S)


def event_id_of(body: Mapping[str, Any]) -> str:
    """The Events API `event_id` of a request body ('' when it has none)."""
    value = body.get("event_id")
    return value if isinstance(value, str) else ""


def stale_after(runtime: Runtime) -> timedelta:
    """How long `processing` may last before the worker is presumed dead and others may retake."""
    return timedelta(seconds=max(MIN_STALE_S, 3 * runtime.settings.answer_timeout_s))


def run_once(
    runtime: Runtime,
    event_id: str,
    work: Callable[[], None],
    *,
    max_attempts: int = MAX_ATTEMPTS,
    on_give_up: Callable[[], None] | None = None,
) -> bool:
    """Run `work` for this event unless another worker has taken it; True when it ran to the end.

    The event must have been recorded by the middleware (every `event_callback` is). A
    payload without an event id cannot be de-duplicated and simply runs. `on_give_up` is
    called once when the event is given up on (to tell the person it was for).
    """
    if not event_id:
        work()
        return True
    held = _held_event(event_id)
    if held is not None:
        if held.attempt > max_attempts and _out_of_retries(
            runtime, held, held.attempt, max_attempts
        ):
            _give_up(runtime, event_id, max_attempts, on_give_up)
            return False
        return _work_and_finish(runtime, event_id, work, held.attempt, max_attempts, on_give_up)
    store = runtime.store
    try:
        if not store.take_event(event_id, stale_before=runtime.clock() - stale_after(runtime)):
            logger.info("event %s is taken or finished elsewhere; skipping", event_id)
            return False
        row = store.get_event(event_id)
        attempts = row.attempts if row is not None else 1
        if attempts > max_attempts:
            store.finish_event(event_id, "failed")
            logger.error("event %s gave up after %d attempts", event_id, max_attempts)
            return False
    except SQLAlchemyError as error:
        # The row stays `received`: the resume sweep picks it up when the database is back.
        logger.error("event %s: database unavailable (%s)", event_id, type(error).__name__)
        return False
    return _work_and_finish(runtime, event_id, work, attempts, max_attempts)


def _give_up(
    runtime: Runtime,
    event_id: str,
    max_attempts: int,
    on_give_up: Callable[[], None] | None = None,
) -> None:
    logger.error("event %s gave up after %d attempts", event_id, max_attempts)
    try:
        runtime.store.finish_event(event_id, "failed")
    except SQLAlchemyError:
        logger.error("event %s: could not record giving up", event_id)
        return  # still unfinished: a later attempt gives up (and tells) again
    if on_give_up is not None:
        try:
            on_give_up()
        except Exception:  # telling is best effort; the event is settled either way
            logger.exception("event %s: could not tell anyone it was given up", event_id)


def _work_and_finish(
    runtime: Runtime,
    event_id: str,
    work: Callable[[], None],
    attempts: int,
    max_attempts: int,
    on_give_up: Callable[[], None] | None = None,
) -> bool:
    try:
        work()
    except Exception:
        logger.exception("event %s failed (attempt %d of %d)", event_id, attempts, max_attempts)
        _after_failure(runtime, event_id, attempts, max_attempts, on_give_up)
        return False
    try:
        runtime.store.finish_event(event_id, "done")
    except SQLAlchemyError:
        # The work is done; at worst a sweep retakes it once the row looks stale.
        logger.error("event %s: done, but could not record it", event_id)
    return True


def _after_failure(
    runtime: Runtime,
    event_id: str,
    attempts: int,
    max_attempts: int,
    on_give_up: Callable[[], None] | None = None,
) -> None:
    held = _held_event(event_id)
    if held is not None:
        if _out_of_retries(runtime, held, attempts, max_attempts):
            _give_up(runtime, event_id, max_attempts, on_give_up)
            return
        backoff = min(RETRY_AFTER_S * attempts, MAX_RETRY_AFTER_S)
        try:  # a worker takes it again after a backoff
            runtime.store.release_event(event_id, retry_after_s=backoff)
        except SQLAlchemyError:
            logger.error("event %s: could not record the failure; its lease runs out", event_id)
        return
    try:
        if attempts >= max_attempts:
            runtime.store.finish_event(event_id, "failed")
        else:
            runtime.store.release_event(event_id)
    except SQLAlchemyError:
        # Left in `processing`: it becomes stale and a later sweep retakes it.
        logger.error("event %s: could not record the failure", event_id)


def register_fallback(app: App, runtime: Runtime) -> None:
    """Register LAST: acknowledge events no other listener took and mark them `ignored`."""

    @app.event(re.compile(".+"))
    def on_unhandled_event(body: dict[str, Any]) -> None:
        event_id = event_id_of(body)
        if event_id:
            runtime.store.finish_event(event_id, "ignored")
