"""A database attempt with a deadline, for the acknowledgement path.

PostgreSQL through psycopg has no connect timeout by default and SQLite waits up to 30 s for
a lock, so a hung database could hold a click's acknowledgement past Slack's 3 seconds. The
attempt runs on a small pool of threads; after `timeout_s` the caller stops waiting (and spools
the write). The attempt is told it was given up, so it stores nothing it has not started
storing; one that was already storing may still finish, which is harmless: writes are
idempotent, and its result is handed to `on_late`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class AttemptTimedOut(Exception):
    """The database did not answer within the deadline."""


class GivenUp(Exception):
    """Raised inside an attempt that noticed its caller stopped waiting."""


class BoundedAttempts:
    """Run callables with a deadline, each on its own daemon thread.

    Daemon threads, not a ThreadPoolExecutor: the interpreter joins an executor's workers at
    exit, so one attempt hung on the database would stop a SIGTERM from ever ending the process.
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s

    def run(self, attempt: Callable[[threading.Event], T], on_late: Callable[[T], None]) -> T:
        """`attempt(given_up)`'s result or exception; AttemptTimedOut after the deadline."""
        given_up = threading.Event()
        future: Future[T] = Future()

        def target() -> None:
            try:
                future.set_result(attempt(given_up))
            except BaseException as err:  # handed to the caller (or dropped once late)
                future.set_exception(err)

        threading.Thread(target=target, name="feedback-db", daemon=True).start()
        try:
            return future.result(timeout=self.timeout_s)
        except TimeoutError:
            if future.done():
                raise  # the attempt's own TimeoutError (e.g. a socket's), not our deadline
            given_up.set()
            future.add_done_callback(lambda done: _late(done, on_late))
            raise AttemptTimedOut(f"no answer from the database in {self.timeout_s:g} s") from None


def _late(done: Future[T], on_late: Callable[[T], None]) -> None:
    if done.exception() is not None:
        return  # given up before storing, or failed: the spooled copy will be applied
    try:
        on_late(done.result())
    except Exception:  # a follow-up must not end the thread silently
        log.exception("follow-up of a late feedback write failed")
