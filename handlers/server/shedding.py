"""Shed load at once instead of letting Slack's 3-second deadline pass in a queue.

waitress hands every complete request to a pool of worker threads through one queue. When
the queue is already `shed_after` deep, a new POST would wait behind them and Slack would time
out and retry anyway; `SheddingDispatcher` answers it 503 with `Retry-After` right away, from
a thread of its own (the "express" thread), without ever touching the pool. GET/HEAD /healthz
also goes to the express thread, so liveness says "the event loop is alive" even while every
worker is busy. /readyz keeps going through the workers and the database.
"""

from __future__ import annotations

import json
import time
from typing import Any

from waitress.task import ThreadedTaskDispatcher
from waitress.utilities import Error

EXPRESS_PATHS = frozenset({"/healthz"})
"""GET/HEAD paths served by the express thread: they must answer however busy the pool is."""
EXPRESS_GRACE = 0.1
"""Seconds `shutdown` gives the express thread even when its own deadline has passed."""


class Overloaded(Error):  # type: ignore[misc]  # waitress ships no type hints
    """The 503 a shed request gets: short JSON, `Retry-After`, connection closed."""

    code = 503
    reason = "Service Unavailable"

    def __init__(self, retry_after: int) -> None:
        super().__init__("overloaded")
        self.retry_after = retry_after

    def to_response(self, ident: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status line, headers and body, as waitress's ErrorTask writes them."""
        body = json.dumps({"error": "overloaded, retry later"}).encode("utf-8")
        headers = [("Content-Type", "application/json"), ("Retry-After", str(self.retry_after))]
        return f"{self.code} {self.reason}", headers, body


class SheddingDispatcher(ThreadedTaskDispatcher):  # type: ignore[misc]
    """waitress's worker pool, plus an express thread for /healthz and for 503s."""

    def __init__(self, *, threads: int, shed_after: int, retry_after: int) -> None:
        super().__init__()
        self.shed_after = shed_after
        self.retry_after = retry_after
        self.shed = 0
        self.express = ThreadedTaskDispatcher()
        self.express.set_thread_count(1)
        self.set_thread_count(threads)

    def queue_depth(self) -> int:
        """Requests waiting for a worker thread."""
        with self.lock:
            return len(self.queue)

    def add_task(self, task: Any) -> None:
        """Queue a channel's next request, or send it down the express lane (maybe as a 503)."""
        request = task.requests[0] if task.requests else None
        if request is not None and request.error is None:
            if request.command in ("GET", "HEAD") and request.path in EXPRESS_PATHS:
                self.express.add_task(task)
                return
            if request.command == "POST" and self.queue_depth() >= self.shed_after:
                request.error = Overloaded(self.retry_after)  # waitress serves it as an error
                self.shed += 1
                self.express.add_task(task)
                return
        super().add_task(task)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        """Let both lanes finish (within `timeout` s in all), then cancel what still waits."""
        deadline = time.monotonic() + timeout
        cancelled = bool(super().shutdown(cancel_pending, timeout))
        # An idle express thread exits at once; a moment's grace spares a needless warning.
        remaining = max(EXPRESS_GRACE, deadline - time.monotonic())
        return bool(self.express.shutdown(cancel_pending, remaining)) or cancelled
