"""Background services: a job that is ticked from its own thread until the bot stops.

A job is anything with a `name` and a `tick()`; `tick()` may return how many seconds to wait
before the next one (the digest scheduler waits until its next fire time), else the service's
own interval applies. A failing tick is logged and retried at the next interval: one bad pass
never ends the service. Nothing here knows Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class Job(Protocol):
    """One kind of background work."""

    @property
    def name(self) -> str:
        """What the logs call it."""
        ...

    def tick(self) -> float | None:
        """Do one pass; optionally say how long to wait before the next one."""
        ...


class BackgroundService:
    """Ticks `job` in a daemon thread: first after `first_after_s`, then every `every_s`.

    `every_s=None` ticks only when woken (`wake()`).
    """

    def __init__(
        self, job: Job, every_s: float | None, *, first_after_s: float | None = None
    ) -> None:
        self.job = job
        self.every_s = every_s
        self.first_after_s = every_s if first_after_s is None else first_after_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"lastmile-{job.name}", daemon=True)

    @property
    def name(self) -> str:
        """The job's name."""
        return self.job.name

    def start(self) -> None:
        """Start ticking."""
        self._thread.start()

    def wake(self) -> None:
        """Tick now instead of at the next interval (e.g. SIGHUP for the knowledge watcher)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the tick in progress, if any."""
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float) -> bool:
        """Wait for the thread to end; True when it did (or never started)."""
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def tick_now(self) -> None:
        """One tick in the caller's thread (the demo drives its services by its own clock)."""
        self._tick_once()

    def _loop(self) -> None:
        wait = self.first_after_s
        while not self._stop.is_set():
            self._wake.wait(wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            wait = self._tick_once()

    def _tick_once(self) -> float | None:
        try:
            asked = self.job.tick()
        except Exception:  # noqa: BLE001 - a service outlives one failed pass
            log.exception("%s failed; trying again at its next look", self.name)
            return self.every_s
        return self.every_s if asked is None else asked


class Service(Protocol):
    """What `Services` runs: a `BackgroundService`, or a pool such as the event workers."""

    @property
    def name(self) -> str:
        """What the logs call it."""
        ...

    def start(self) -> None:
        """Start in the background."""
        ...

    def wake(self) -> None:
        """Work now rather than at the next interval."""
        ...

    def stop(self) -> None:
        """Ask to stop (returns at once)."""
        ...

    def join(self, timeout: float) -> bool:
        """Wait for the end; True when it ended."""
        ...

    def tick_now(self) -> None:
        """One pass in the caller's thread."""
        ...


class Services:
    """Every background service of one running bot, started and stopped together."""

    def __init__(self, services: Sequence[Service]) -> None:
        self._services = list(services)

    def __iter__(self) -> Iterator[Service]:
        return iter(self._services)

    def names(self) -> list[str]:
        """The services' names, in start order."""
        return [service.name for service in self._services]

    def get(self, name: str) -> Service:
        """The service called `name` (KeyError if there is none)."""
        for service in self._services:
            if service.name == name:
                return service
        raise KeyError(name)

    def start(self) -> None:
        """Start every service."""
        for service in self._services:
            service.start()
        log.info("background services started: %s", ", ".join(self.names()))

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask every service to stop, then wait (up to `timeout_s` in all) for them to end."""
        for service in reversed(self._services):
            service.stop()
        deadline = time.monotonic() + timeout_s
        stuck = [
            s.name
            for s in reversed(self._services)
            if not s.join(max(0.0, deadline - time.monotonic()))
        ]
        if stuck:
            log.warning("still finishing at exit: %s", ", ".join(stuck))
