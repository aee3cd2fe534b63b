"""Storing feedback so that a click is never lost: apply now, or spool it on disk and replay.

`record` is called BEFORE the click is acknowledged. It tries the database for at most
`attempt_timeout_s`; when the database is down (or does not answer in time) the write goes to
the spool (bot/feedback/spool.py), a fsynced file, and `record` returns `pending`. A drainer
thread replays the spool in order, with backoff, and deletes each file once it is applied;
a new recorder replays what an earlier process left. Every write names the Slack message
(channel + ts) it is about and the answer is looked up when it is applied, so a replayed write
is verified like a live one. Writes are idempotent (vote key, submission key): a crash between
applying a file and deleting it stores the write once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.feedback.attempt import AttemptTimedOut, BoundedAttempts, GivenUp
from bot.feedback.drainer import Drainer
from bot.feedback.follow_ups import FollowUps
from bot.feedback.spool import Spool
from bot.feedback.writes import FeedbackWrite, WriteResult, apply_to_answer, write_problem
from storage import Store

if TYPE_CHECKING:
    from bot.digest.fix_watch import Reopened

log = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
ATTEMPT_TIMEOUT_S = 2.0
DOWN_FOR_S = 5.0
"""After a failed attempt, new writes go straight to the spool this long (or until a replay
succeeds), so a hung database makes one click wait for the deadline, not every click."""
"""How long a click waits for the database before its write is spooled (Slack allows 3 s)."""
START_DELAY_S = 1.0
"""Replay of an earlier run's spool waits this long, so the app has wired its follow-ups
(`on_late_store`, `on_reopened`) before the first replayed write is confirmed."""


@dataclass(frozen=True)
class _Applied:
    result: WriteResult
    reopened: Reopened | None


class FeedbackRecorder:
    """Applies feedback writes; spools those that hit a database outage and replays them."""

    def __init__(
        self,
        store: Store,
        spool: Spool,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        base_delay_s: float = 0.5,
        max_delay_s: float = 60.0,
        attempt_timeout_s: float = ATTEMPT_TIMEOUT_S,
        auto_drain: bool = True,
        on_late_store: Callable[[FeedbackWrite, WriteResult], None] | None = None,
        on_reopened: Callable[[Reopened], None] | None = None,
        on_stored: Callable[[FeedbackWrite, WriteResult], None] | None = None,
    ) -> None:
        self.store = store
        self.spool = spool
        self.monotonic = monotonic
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.auto_drain = auto_drain
        self.on_late_store = on_late_store  # a spooled write got stored: tell the person
        self.on_reopened = on_reopened  # a new flag reopened a fixed theme: tell its owner
        self.on_stored = on_stored  # a write reached the database (traces); must not block
        self._attempts = BoundedAttempts(attempt_timeout_s)
        # Confirmations are Slack calls (rate limits, retries): never let them pace the replay.
        self._follow_ups = FollowUps(self._follow_up)
        self._drain_lock = threading.Lock()
        self._drainer = Drainer(
            busy=lambda: self.auto_drain and len(self.spool) > 0,
            wait_s=lambda: self._due - self.monotonic(),
            drain=self.drain_due,
        )
        self._delay, self._due = 0.0, self.monotonic() + START_DELAY_S
        self._down_until = 0.0
        self._done = threading.Condition()
        self.applied = 0  # writes that reached the database (any outcome): for metrics and tests
        if len(spool):
            log.warning("%d feedback writes wait in %s: replaying", len(spool), spool.directory)
            self._start_drainer()

    @property
    def pending(self) -> int:
        """How many writes wait in the spool for the database."""
        return len(self.spool)

    def record(self, write: FeedbackWrite) -> WriteResult:
        """Store `write` now, or spool it (`pending`); `refused` / `failed` when neither can."""
        problem = write_problem(write)
        if problem is not None:
            log.warning("feedback refused: %s", problem)
            return WriteResult("refused")
        if self.spool.holds_for(write):  # keep order: an annotation must not overtake its vote
            return self._spool(write, "earlier writes of this person on this answer are spooled")
        if self.monotonic() < self._down_until:  # it just failed: don't make every click wait
            return self._spool(write, "the database failed moments ago")
        try:
            applied = self._attempts.run(
                lambda given_up: self._apply(write, given_up),
                on_late=lambda late: self._follow_up(write, late),
            )
        except (*DATABASE_DOWN, AttemptTimedOut) as err:
            self._down_until = self.monotonic() + DOWN_FOR_S
            return self._spool(write, type(err).__name__)
        # The owner's notice is a Slack call: the handler sends it after the ack (announce).
        return replace(applied.result, reopened=applied.reopened)

    def announce(self, result: WriteResult) -> None:
        """Tell the owner of a theme this write reopened (after the ack: it calls Slack)."""
        if result.reopened is not None and self.on_reopened is not None:
            self.on_reopened(result.reopened)

    def flush_pending(self) -> int:
        """Replay every spooled write now, ignoring backoff; returns how many were applied."""
        return self._drain(force=True)

    def drain_due(self) -> int:
        """Replay the spooled writes if their backoff has passed; returns how many were applied."""
        return self._drain(force=False)

    def wait_applied(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` writes in total reached the database; False on timeout."""
        with self._done:
            return self._done.wait_for(lambda: self.applied >= count, timeout)

    def close(self) -> None:
        """Stop the background drainer (spooled writes stay on disk for the next start)."""
        self.auto_drain = False
        self._drainer.wake()

    def wait_followed_up(self, timeout: float = 10.0) -> bool:
        """Block until every confirmation of a replayed write was sent (tests)."""
        return self._follow_ups.wait_idle(timeout)

    def _spool(self, write: FeedbackWrite, why: str) -> WriteResult:
        try:
            entry = self.spool.add(write)
        except OSError as err:
            log.error("feedback neither stored (%s) nor spooled: %s", why, err)
            return WriteResult("failed")
        log.warning("feedback spooled (%s): %s", why, entry.path)
        self._start_drainer()
        self._drainer.wake()
        return WriteResult("pending")

    def _drain(self, *, force: bool) -> int:
        applied = 0
        with self._drain_lock:
            while (entry := self.spool.head()) is not None:
                if not force and self._due > self.monotonic():
                    break
                problem = write_problem(entry.write)  # a file edited by hand, or from a bug
                if problem is not None:
                    self.spool.quarantine(entry, problem)
                    continue
                try:
                    done = self._apply(entry.write, threading.Event())
                except DATABASE_DOWN:
                    self._delay = min(max(self._delay * 2, self.base_delay_s), self.max_delay_s)
                    self._due = self.monotonic() + self._delay
                    break
                except Exception as err:  # not an outage: this write can never be stored
                    self.spool.quarantine(entry, repr(err))
                    continue
                self.spool.remove(entry)
                self._delay, applied = 0.0, applied + 1
                self._down_until = 0.0  # the database is back: new clicks go to it directly
                self._follow_ups.submit(entry.write, done)
                log.info("spooled feedback replayed: %s (%s)", entry.path.name, done.result.status)
        return applied

    def _follow_up(self, write: FeedbackWrite, done: _Applied) -> None:
        """After a write stored outside its request: confirm it, and tell a reopened theme."""
        try:
            if self.on_late_store is not None:
                self.on_late_store(write, done.result)
            if done.reopened is not None and self.on_reopened is not None:
                self.on_reopened(done.reopened)
        except Exception:  # the write is stored; a failed message must not stop the replay
            log.exception("follow-up of a stored feedback write failed")

    def _start_drainer(self) -> None:
        if self.auto_drain:
            self._drainer.start()

    def _apply(self, write: FeedbackWrite, given_up: threading.Event) -> _Applied:
        answer = self.store.answer_by_message(write.channel_id, write.message_ts)
        if given_up.is_set():
            raise GivenUp  # the caller spooled it: the spooled copy stores it, in order
        if answer is None or answer.id is None:
            result, reopened = WriteResult("not_an_answer"), None
        else:
            result = apply_to_answer(self.store, answer, write)
            reopened = self._watch_fixed(write, result)
            if result.status == "stored" and self.on_stored is not None:
                self.on_stored(write, result)
        with self._done:
            self.applied += 1
            self._done.notify_all()
        return _Applied(result, reopened)

    def _watch_fixed(self, write: FeedbackWrite, result: WriteResult) -> Reopened | None:
        """A new flag on a fixed theme's question reopens it at once (bot/digest/fix_watch.py)."""
        if result.status != "stored" or write.op not in ("vote", "submission"):
            return None
        if result.answer is None:
            return None
        from bot.digest.fix_watch import watch_fixed_themes  # bot.digest imports bot.feedback

        return watch_fixed_themes(self.store, result.answer, result.feedback)
