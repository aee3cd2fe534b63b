"""The weekly digest schedule: an in-process thread that fires on LASTMILE_DIGEST_SCHEDULE.

Every replica may run it: the DigestRun claim makes each owner's digest post once. On start
the most recent fire time counts as due, so a process that was down at 09:00 (or died mid-way)
catches up; owners already posted are skipped by the claim.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from croniter import croniter

from bot.digest.period import Period, period_ended_before

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.runtime import Runtime

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
    previous: datetime = croniter(schedule, now.astimezone(ZoneInfo(timezone))).get_prev(datetime)
    return previous


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
) -> datetime:
    """Send every due period; returns the new `last_run`. A failed send is retried next tick."""
    for period in due_periods(now, last_run, schedule=schedule, timezone=timezone):
        try:
            send(period)
        except Exception:  # noqa: BLE001 - keep the scheduler alive; the claim makes retry safe
            log.exception("digest for %s failed; retrying on the next tick", period.key)
            return last_run or now - timedelta(seconds=1)
    return now


def scheduler_loop(
    send: Send,
    clock: Callable[[], datetime],
    stop_event: threading.Event,
    *,
    schedule: str,
    timezone: str,
) -> None:
    """Fire `send` for each due period until `stop_event` is set."""
    last_run: datetime | None = None
    while not stop_event.is_set():
        now = clock()
        last_run = run_due(send, now, last_run, schedule=schedule, timezone=timezone)
        stop_event.wait(next_wait(now, schedule=schedule, timezone=timezone) or 1.0)


def start_digest_scheduler(
    runtime: Runtime, client: WebClient, stop_event: threading.Event
) -> threading.Thread:
    """Start the digest thread for `run`/`serve`; set `stop_event` to end it."""
    from handlers.digest.send import send_digests  # handlers is imported lazily: bot/ stays core

    settings = runtime.settings

    def send(period: Period) -> object:
        return send_digests(runtime, client, period)

    thread = threading.Thread(
        target=scheduler_loop,
        args=(send, runtime.clock, stop_event),
        kwargs={"schedule": settings.digest_schedule, "timezone": settings.timezone},
        name="lastmile-digest-scheduler",
        daemon=True,
    )
    thread.start()
    return thread
