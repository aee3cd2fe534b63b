"""Confirmations of replayed feedback, sent by one daemon thread in the order they were stored.

They are Slack calls (an ephemeral "your feedback is logged", a reopened theme's notice to its
owner), which rate limits and retries can slow to a second each: sent from the replay loop they
paced the replay itself, so a spool filled during a database cut drained slower than clicks
arrived. Stored first, told after: a confirmation lost to a crash costs a message, never a vote.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
W = TypeVar("W")
D = TypeVar("D")


class FollowUps(Generic[W, D]):
    """`submit(write, done)` queues `send(write, done)` for the follow-up thread."""

    def __init__(self, send: Callable[[W, D], None]) -> None:
        self.send = send
        self._queue: queue.Queue[tuple[W, D]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, write: W, done: D) -> None:
        """Send this confirmation soon, after the ones already queued."""
        self._queue.put((write, done))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="feedback-follow-ups", daemon=True
                )
                self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """True once every queued confirmation was sent (or failed and was logged)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def _loop(self) -> None:
        while True:
            write, done = self._queue.get()
            try:
                self.send(write, done)
            except Exception:  # a failed message must not stop the ones behind it
                log.exception("follow-up of a stored feedback write failed")
            finally:
                self._queue.task_done()
