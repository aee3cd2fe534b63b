"""Storing feedback so that a click is never lost: apply now, or queue and retry with backoff.

Every write names the Slack message (channel + ts) it is about; the answer is looked up in our
own records when the write is applied, so a queued write is verified the same way as a live one.
Writes are idempotent (vote key, submission key), so retrying one that half-succeeded stores it
once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.feedback.writes import FeedbackWrite, WriteResult, apply_to_answer
from storage import Store

if TYPE_CHECKING:
    from bot.digest.fix_watch import Reopened

log = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


@dataclass
class _Pending:
    write: FeedbackWrite
    due: float
    delay: float


class FeedbackRecorder:
    """Applies feedback writes; keeps those that hit a database outage and retries them."""

    def __init__(
        self,
        store: Store,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        base_delay_s: float = 0.5,
        max_delay_s: float = 60.0,
        auto_drain: bool = True,
        on_late_store: Callable[[FeedbackWrite, WriteResult], None] | None = None,
        on_reopened: Callable[[Reopened], None] | None = None,
    ) -> None:
        self.store = store
        self.monotonic = monotonic
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.auto_drain = auto_drain
        self.on_late_store = on_late_store
        self.on_reopened = on_reopened  # a new flag reopened a fixed theme: tell its owner
        self._queue: deque[_Pending] = deque()
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._drainer: threading.Thread | None = None
        self._done = threading.Condition()
        self.applied = 0  # writes that reached the database (any outcome): for metrics and tests

    @property
    def pending(self) -> int:
        """How many writes wait for the database."""
        with self._lock:
            return len(self._queue)

    def record(self, write: FeedbackWrite) -> WriteResult:
        """Apply a write now; on a database outage queue it and return status `pending`."""
        if self.pending:
            self.drain_due()
            with self._lock:
                if self._queue:  # keep order: an annotation must not overtake its vote
                    return self._enqueue(write)
        try:
            return self._apply(write)
        except DATABASE_DOWN as err:
            log.warning("database unavailable, feedback queued: %s", type(err).__name__)
            with self._lock:
                return self._enqueue(write)

    def flush_pending(self) -> int:
        """Retry every queued write now, ignoring backoff; returns how many were applied."""
        return self._drain(force=True)

    def drain_due(self) -> int:
        """Retry the queued writes whose backoff has passed; returns how many were applied."""
        return self._drain(force=False)

    def wait_applied(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` writes in total reached the database; False on timeout."""
        with self._done:
            return self._done.wait_for(lambda: self.applied >= count, timeout)

    def close(self) -> None:
        """Stop the background drainer (queued writes stay queued)."""
        self.auto_drain = False
        self._wake.set()

    def _enqueue(self, write: FeedbackWrite) -> WriteResult:
        self._queue.append(_Pending(write, self.monotonic() + self.base_delay_s, self.base_delay_s))
        self._start_drainer()
        return WriteResult("pending")

    def _drain(self, *, force: bool) -> int:
        applied = 0
        with self._lock:
            while self._queue:
                head = self._queue[0]
                if not force and head.due > self.monotonic():
                    break
                try:
                    result = self._apply(head.write)
                except DATABASE_DOWN:
                    head.delay = min(head.delay * 2, self.max_delay_s)
                    head.due = self.monotonic() + head.delay
                    break
                self._queue.popleft()
                applied += 1
                if self.on_late_store is not None:
                    self.on_late_store(head.write, result)
        return applied

    def _start_drainer(self) -> None:
        if not self.auto_drain or (self._drainer is not None and self._drainer.is_alive()):
            return
        self._drainer = threading.Thread(target=self._drain_loop, daemon=True)
        self._drainer.start()

    def _drain_loop(self) -> None:
        while self.auto_drain and self.pending:
            with self._lock:
                wait = max(0.0, self._queue[0].due - self.monotonic()) if self._queue else 0.0
            self._wake.wait(wait)  # real waiting in production only; tests call flush_pending
            try:
                self.drain_due()
            except Exception:  # a drainer must outlive one bad write
                log.exception("feedback drainer failed")

    def _apply(self, write: FeedbackWrite) -> WriteResult:
        answer = self.store.answer_by_message(write.channel_id, write.message_ts)
        if answer is None or answer.id is None:
            result = WriteResult("not_an_answer")
        else:
            result = apply_to_answer(self.store, answer, write)
            self._watch_fixed(write, result)
        with self._done:
            self.applied += 1
            self._done.notify_all()
        return result

    def _watch_fixed(self, write: FeedbackWrite, result: WriteResult) -> None:
        """A new flag on a fixed theme's question reopens it at once (bot/digest/fix_watch.py)."""
        if result.status != "stored" or write.op not in ("vote", "submission"):
            return
        if result.answer is None:
            return
        from bot.digest.fix_watch import watch_fixed_themes  # bot.digest imports bot.feedback

        reopened = watch_fixed_themes(self.store, result.answer, result.feedback)
        if reopened is not None and self.on_reopened is not None:
            self.on_reopened(reopened)
