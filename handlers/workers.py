"""The event workers: a bounded pool that takes recorded events from the database and runs them.

The ack path only records an event (handlers/middleware/delivery.py) and wakes these workers;
nothing else happens before Slack gets its 200. Each worker claims the oldest due event
(`store.next_event`, one winner across replicas) under a lease that a heartbeat renews while
the work runs, then runs it through a synchronous copy of the app (same listeners, same
middleware) inside `holding_event`, so the listener's `run_once` knows it already holds it.

Nothing lives only in memory: an event is a row from the ack on. Overload makes answers late,
never lost; a backlog drains as fast as the pool allows. A worker that dies (kill -9) stops
renewing, and its events are due again once the lease runs out (`LEASE_S`), at any replica.
Answer lanes take every kind, oldest first; quick lanes take only quick kinds (reactions, the
Home tab, greetings), so a backlog of questions never delays a thumbs-down reaction.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from bot.settings import DEFAULT_WORKERS
from handlers.app import build_app
from handlers.resume import LEASE_S, claim_next, run_claimed
from storage.queries.event_queue import Claimed

log = logging.getLogger(__name__)

SLOW_KINDS = (
    "app_mention",
    "message.im",
    "message.channels",
    "message.groups",
    "message.mpim",
    "command.ask",
)
"""Kinds whose work is an answer (an LLM call): quick lanes leave them to the answer lanes."""
HEARTBEAT_S = 5.0
POLL_S = 1.0
"""An idle worker looks at the queue at least this often (other replicas' events, retries)."""
QUICK_WORKERS = 2


class EventWorkers:
    """The pool: `start()`, `notify()` after recording an event, `stop()` to drain and end."""

    name = "event workers"

    def __init__(
        self,
        runtime: Runtime,
        client: WebClient,
        *,
        answer_workers: int = DEFAULT_WORKERS,
        quick_workers: int = QUICK_WORKERS,
        lease_s: float = LEASE_S,
        poll_s: float = POLL_S,
    ) -> None:
        self.runtime = runtime
        self.app: App = build_app(runtime, client=client, synchronous=True)
        self.lease_s = lease_s
        self.poll_s = poll_s
        self._lanes: list[tuple[str, tuple[str, ...] | None]] = [("answer", None)] * answer_workers
        self._lanes += [("quick", SLOW_KINDS)] * quick_workers
        self._wake = threading.Condition()
        self._signals = 0
        self._stop = threading.Event()
        self._held: dict[str, int] = {}  # event id -> attempt, for the heartbeat
        self._held_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.finished = 0  # events this pool ran to the end of their dispatch (metrics, tests)

    def start(self) -> None:
        """Start the workers and the heartbeat."""
        for index, (lane, skip) in enumerate(self._lanes):
            thread = threading.Thread(
                target=self._loop, args=(skip,), name=f"lastmile-{lane}-{index}", daemon=True
            )
            self._threads.append(thread)
        self._threads.append(
            threading.Thread(target=self._heartbeat, name="lastmile-leases", daemon=True)
        )
        for thread in self._threads:
            thread.start()

    def notify(self) -> None:
        """An event was recorded: wake a worker now rather than at its next poll."""
        with self._wake:
            self._signals += 1
            self._wake.notify()

    def wake(self) -> None:
        """Services protocol: look at the queue now."""
        self.notify()

    def tick_now(self) -> None:
        """Services protocol: run what is due in the caller's thread."""
        self.run_pending()

    def stop(self) -> None:
        """Take no new events (the ones in progress finish; `join` waits for them)."""
        self._stop.set()
        with self._wake:
            self._wake.notify_all()

    def join(self, timeout: float) -> bool:
        """Services protocol: wait for the threads (after `stop`)."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no event is due or being worked on; False on timeout (tests, the demo).

        Read from the database, where a claim is atomic: an event some worker just claimed is
        already `processing` there, so no moment between claim and work looks idle.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            backlog = self.runtime.store.event_backlog()
            if backlog.waiting == 0 and backlog.working == 0:
                return True
            time.sleep(0.02)
        return False

    def run_pending(self) -> int:
        """Run every due event in the caller's thread (the demo, `lastmile` one-shot paths)."""
        ran = 0
        while (claimed := self._claim(None)) is not None:
            self._run(claimed)
            ran += 1
        return ran

    def _loop(self, skip: tuple[str, ...] | None) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                claimed = self._claim(skip)
                failures = 0
            except SQLAlchemyError as error:
                failures += 1
                delay = min(self.poll_s * 2**failures, 30.0)
                log.warning("event queue: database unavailable (%s)", type(error).__name__)
                self._stop.wait(delay)
                continue
            if claimed is None:
                self._sleep()
                continue
            try:
                self._run(claimed)
            except Exception:  # a worker must outlive one bad event
                log.exception("event %s: worker failed", claimed.event_id)

    def _claim(self, skip: tuple[str, ...] | None) -> Claimed | None:
        claimed = claim_next(self.runtime, lease_s=self.lease_s, skip_kinds=skip)
        if claimed is None:
            return None
        with self._held_lock:
            self._held[claimed.event_id] = claimed.attempt
        return claimed

    def _sleep(self) -> None:
        with self._wake:
            if self._signals == 0 and not self._stop.is_set():
                self._wake.wait(self.poll_s)
            self._signals = max(0, self._signals - 1)

    def _run(self, claimed: Claimed) -> None:
        try:
            run_claimed(self.runtime, self.app, claimed)
        finally:
            self._done(claimed.event_id)

    def _done(self, event_id: str) -> None:
        with self._held_lock:
            self._held.pop(event_id, None)
            self.finished += 1

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            with self._held_lock:
                held = list(self._held)
            if not held:
                continue
            try:
                self.runtime.store.renew_leases(held, lease_s=self.lease_s)
            except SQLAlchemyError as error:
                log.warning("could not renew %d lease(s): %s", len(held), type(error).__name__)
