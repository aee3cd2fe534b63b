"""Planned failures for `FakeSlackApi`: queued per method, consumed by the next calls."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .http_wire import Reply


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: int | None
    remaining: int


class FaultPlan:
    """Faults and delays per method. Not locked: `FakeSlackApi` holds its lock around it."""

    def __init__(self) -> None:
        self._faults: dict[str, list[_Fault]] = {}
        self.delays: dict[str, float] = {}

    def add(
        self,
        method: str,
        status: int | None,
        error: str | None,
        retry_after: int | None,
        times: int,
    ) -> None:
        """Queues a fault; no status means HTTP 200 ok:false; 429 adds Retry-After (default 1)."""
        if status is None and error is None:
            raise ValueError("fail_next needs a status or an error")
        status = status or 200
        if status == 429 and retry_after is None:
            retry_after = 1
        default_error = "ratelimited" if status == 429 else "internal_error"
        self._faults.setdefault(method, []).append(
            _Fault(status, error or default_error, retry_after, times)
        )

    def take(self, method: str) -> Reply | None:
        """The reply for the next queued fault of `method`, if any."""
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        return Reply(fault.status, {"ok": False, "error": fault.error}, headers)


@dataclass
class RandomFaults:
    """Fails a seeded random `share` of calls: half HTTP 500, half 429 with Retry-After.

    For soak runs (bench/bench_soak.py): `FakeSlackApi(random_faults=RandomFaults(0.1, seed=7))`.
    Methods in `spared` (by default auth.test, the start-up check) are never failed. Not
    locked: `FakeSlackApi` holds its lock around it. `enabled` turns it off and on.
    """

    share: float
    seed: int = 0
    retry_after: int = 1
    spared: frozenset[str] = frozenset({"auth.test"})
    enabled: bool = True
    injected: dict[str, int] = field(default_factory=dict)  # method -> faults answered
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def take(self, method: str) -> Reply | None:
        """A fault reply for this call, or None to answer it normally."""
        if not self.enabled or method in self.spared or self._rng.random() >= self.share:
            return None
        self.injected[method] = self.injected.get(method, 0) + 1
        if self._rng.random() < 0.5:
            return Reply(500, {"ok": False, "error": "internal_error"})
        headers = {"Retry-After": str(self.retry_after)}
        return Reply(429, {"ok": False, "error": "ratelimited"}, headers)
