"""Reading a child process's stderr while it runs, with deadlines instead of hangs."""

from __future__ import annotations

import subprocess
import threading
import time
from typing import IO


class StderrLines:
    """Every stderr line of a child process, read by a thread so the child never blocks."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        self.proc = proc
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        threading.Thread(target=self._pump, args=(proc.stderr,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()
        except ValueError:  # `stop()` closed the pipe after the child ended
            pass
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, marker: str, timeout: float = 60.0) -> str:
        """The first line containing `marker`; fails after `timeout` s instead of hanging."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if marker in line]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if self._ended or left <= 0:
                    raise AssertionError(f"{marker!r} not printed; exit {self.proc.poll()}")
                self._changed.wait(left)
