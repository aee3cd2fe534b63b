"""The run's planned disasters: database cuts through the proxy and one replica's kill -9."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tests.fakes.tcp_proxy import TcpProxy

from .config import SoakConfig
from .replicas import Replica


class Chaos:
    """Runs the schedule relative to `start()`; `timeline` says what happened when."""

    def __init__(self, config: SoakConfig, proxy: TcpProxy, victim: Replica) -> None:
        self.config = config
        self.proxy = proxy
        self.victim = victim
        self.timeline: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._t0 = 0.0

    def start(self) -> None:
        """Begin the schedule now (the moment load starts)."""
        self._t0 = time.monotonic()
        self.timeline.append(
            f"t=0 load starts at {datetime.now(UTC):%H:%M:%S} UTC (replica logs' clock)"
        )
        plan: list[tuple[float, Callable[[], None]]] = []
        for at in self.config.cut_times():
            plan.append((at, self._cut))
        kill = self.config.kill_time()
        if kill is not None:
            plan.append((kill, self._kill))
        for at, action in plan:
            thread = threading.Thread(target=self._at, args=(at, action), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Cancel what has not happened yet; wait for what is under way (the database is up)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(120)
        self.proxy.up()

    def _at(self, at: float, action: Callable[[], None]) -> None:
        if not self._stop.wait(max(0.0, self._t0 + at - time.monotonic())):
            action()

    def _note(self, what: str) -> None:
        self.timeline.append(f"t={time.monotonic() - self._t0:.1f}s {what}")

    def _cut(self) -> None:
        self._note(f"database cut for {self.config.pg_cut_s:g} s")
        self.proxy.down()
        time.sleep(self.config.pg_cut_s)
        self.proxy.up()
        self._note("database back")

    def _kill(self) -> None:
        self._note(f"kill -9 replica {self.victim.index}")
        self.victim.kill9()
        time.sleep(self.config.restart_after_s)
        for _ in range(5):  # a supervisor keeps restarting a replica that fails to start
            self._note(f"restarting replica {self.victim.index}")
            try:
                self.victim.start()
            except RuntimeError:
                self._note("restart failed")
                time.sleep(self.config.restart_after_s)
                continue
            self._note(f"replica {self.victim.index} serving again")
            return
