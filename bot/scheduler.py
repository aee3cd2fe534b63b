"""The weekly digest schedule: fires on LASTMILE_DIGEST_SCHEDULE in every running bot.

Every replica runs it (bot/composition starts it in `run` and `serve`): the DigestRun claim
makes each owner's digest post once. On start the most recent fire time counts as due, so a
process that was down at 09:00 (or died mid-way) catches up; owners already posted are skipped
by the claim.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from bot.digest.period import Period, period_ended_before

MAX_WAIT = timedelta(seconds=60)
"""Re-read the clock at least this often (clock jumps, stale claims to resume)."""
log = logging.getLogger(__name__)
Send = Callable[[Period], object]


def fire_times(schedule: str, timezone: str, after: datetime, until: datetime) -> list[datetime]:
    """Scheduled moments in (after, until], aware UTC; the cron is read in `timezone`."""
    zone = ZoneInfo(timezone)
    times = croniter(schedule, after.astimezone(zone))
    found = []
    while (moment := times.get_next(datetime)) <= until:
        found.append(moment)
    return found


def last_fire(schedule: str, timezone: str, now: datetime) -> datetime:
    """The latest scheduled moment at or before `now`."""
    local = now.astimezone(ZoneInfo(timezone))
    previous: datetime = croniter(schedule, local).get_prev(datetime)  # strictly before `now`
    following: datetime = croniter(schedule, previous).get_next(datetime)
    return following if following <= local else previous


def due_periods(
    now: datetime, last_run: datetime | None, *, schedule: str, timezone: str = "UTC"
) -> list[Period]:
    """Periods whose digest became due in (last_run, now]; on first start, the latest one."""
    if last_run is None:
        moments = [last_fire(schedule, timezone, now)]
    else:
        moments = fire_times(schedule, timezone, last_run, now)
    periods: list[Period] = []
    for moment in moments:
        period = period_ended_before(moment, timezone)
        if period not in periods:
            periods.append(period)
    return periods


def next_wait(now: datetime, *, schedule: str, timezone: str) -> float:
    """Seconds to wait before looking again: until the next fire time, at most MAX_WAIT."""
    upcoming: datetime = croniter(schedule, now.astimezone(ZoneInfo(timezone))).get_next(datetime)
    return max(0.0, min((upcoming - now).total_seconds(), MAX_WAIT.total_seconds()))


def run_due(
    send: Send, now: datetime, last_run: datetime | None, *, schedule: str, timezone: str
) -> datetime | None:
    """Send every due period; returns the new `last_run`. A failed send is retried next tick
    (`last_run` stays as it was, None included: the latest fire time is due again)."""
    for period in due_periods(now, last_run, schedule=schedule, timezone=timezone):
        try:
            send(period)
        except Exception:  # noqa: BLE001 - keep the scheduler alive; the claim makes retry safe
            log.exception("digest for %s failed; retrying on the next tick", period.key)
            return last_run
    return now


def next_fire(schedule: str, timezone: str, now: datetime) -> datetime:
    """The first scheduled moment after `now` (what `lastmile doctor` shows)."""
    upcoming: datetime = croniter(schedule, now.astimezone(ZoneInfo(timezone))).get_next(datetime)
    return upcoming


class DigestScheduler:
    """Sends each period's digests when LASTMILE_DIGEST_SCHEDULE fires; `tick()` is one look.

    A running bot ticks it from a background thread (bot/composition); the demo ticks it by
    hand as its simulated clock reaches Monday morning. `send` posts one period's digests.
    """

    name = "digest scheduler"

    def __init__(
        self, send: Send, clock: Callable[[], datetime], *, schedule: str, timezone: str
    ) -> None:
        self.send = send
        self.clock = clock
        self.schedule = schedule
        self.timezone = timezone
        self.last_run: datetime | None = None

    def tick(self) -> float:
        """Send every period due since the last tick; returns seconds until the next look."""
        now = self.clock()
        self.last_run = run_due(
            self.send, now, self.last_run, schedule=self.schedule, timezone=self.timezone
        )
        return next_wait(now, schedule=self.schedule, timezone=self.timezone) or 1.0
