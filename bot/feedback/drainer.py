"""The background thread that replays the spool while it holds writes, then ends.

It runs only while there is something to replay: started when a write is spooled (or a new
recorder finds an earlier run's files) and ending when the spool is empty. Starting and ending
are decided under one lock, so a write spooled just as the thread ends is never stranded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Drainer:
    """Calls `drain()` whenever `wait_s()` has passed (or on `wake`), while `busy()` holds."""

    def __init__(
        self,
        *,
        busy: Callable[[], bool],
        wait_s: Callable[[], float],
        drain: Callable[[], object],
    ) -> None:
        self.busy, self.wait_s, self.drain = busy, wait_s, drain
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()

    def start(self) -> None:
        """Make sure a thread is replaying (no-op if one is)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._loop, name="feedback-spool", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look again now (a new write was spooled, or the recorder is closing)."""
        self._wake.set()

    def _loop(self) -> None:
        while True:
            with self._lock:
                if not self.busy():
                    self._thread = None
                    return
            self._wake.wait(max(0.0, self.wait_s()))
            self._wake.clear()
            try:
                self.drain()
            except Exception:  # the drainer must outlive one bad pass
                log.exception("feedback drainer failed")
