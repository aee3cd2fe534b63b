"""`SoakConfig`: every knob of one soak run, with the defaults bench_soak.py prints."""

from __future__ import annotations

from dataclasses import dataclass

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class SoakConfig:
    """One run: load shape, faults, and the schedule of database cuts and the replica kill."""

    rate: float = 10.0  # deliveries per second, open loop (sent on schedule, never waited for)
    seconds: float = 60.0  # how long load is sent
    faults: float = 0.1  # share of Web API calls answered 500 or 429 (Retry-After: 1)
    llm_faults: float | None = None  # share of LLM calls failing 500; None: same as `faults`
    llm_slow: float | None = None  # share of LLM calls stalled `llm_slow_s`; None: `faults`
    llm_slow_s: float = 2.0
    feedback_share: float = 0.3  # the rest are questions (app_mention and message.im)
    replicas: int = 2
    pg_cut_every_s: float = 60.0  # 0: never cut the database
    pg_cut_s: float = 3.0
    pg_first_cut_s: float | None = None  # None: half of pg_cut_every_s after load starts
    kill_at: float | None = 0.4  # share of the load at which replica 0 gets kill -9; None: never
    kill_in_cut: bool = False  # kill at the start of the database cut nearest `kill_at`
    restart_after_s: float = 2.0  # a supervisor restarts the killed replica this much later
    retry_delays_s: tuple[float, ...] = (1.0, 3.0, 10.0)  # Slack's ~0 s, 1 min, 5 min, scaled
    ack_timeout_s: float = 3.0  # Slack's 3 s
    drain_s: float = 300.0  # after load ends, wait at most this long for answers and feedback
    feedback_after_s: float = 1.0  # people react to an answer at least this long after it ends
    seed: int = 7
    postgres_url: str = LOCAL_POSTGRES
    keep_logs: bool = True  # replicas' stderr stays in the run directory (printed)
    sender_workers: int = 96

    @property
    def llm_fail_share(self) -> float:
        """Share of LLM calls answered HTTP 500."""
        return self.faults if self.llm_faults is None else self.llm_faults

    @property
    def llm_slow_share(self) -> float:
        """Share of LLM calls whose first byte comes `llm_slow_s` late."""
        return self.faults if self.llm_slow is None else self.llm_slow

    def cut_times(self) -> list[float]:
        """Seconds after load starts at which the database is cut (during load only)."""
        if self.pg_cut_every_s <= 0:
            return []
        first = self.pg_first_cut_s
        at = self.pg_cut_every_s / 2 if first is None else first
        times = []
        while at < self.seconds:
            times.append(at)
            at += self.pg_cut_every_s
        return times

    def kill_time(self) -> float | None:
        """Seconds after load starts at which replica 0 is killed, or None."""
        if self.kill_at is None:
            return None
        wanted = self.kill_at * self.seconds
        cuts = self.cut_times()
        if self.kill_in_cut and cuts:
            return min(cuts, key=lambda t: abs(t - wanted)) + 0.2
        return wanted
