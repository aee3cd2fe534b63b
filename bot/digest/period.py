"""Digest periods: ISO weeks in the configured time zone, as aware UTC bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Period:
    """One ISO week (`2026-W46`) in a time zone; `start` inclusive, `end` exclusive, UTC."""

    year: int
    week: int
    timezone: str = "UTC"

    @property
    def key(self) -> str:
        """The stable name used in DigestRun.period and in the CLI: `YYYY-Www`."""
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        """The local date the week starts on."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def start(self) -> datetime:
        """Monday 00:00 local time, as aware UTC."""
        return _local_midnight(self.monday, self.timezone)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 local time, as aware UTC (exclusive)."""
        return _local_midnight(self.monday + timedelta(days=7), self.timezone)

    def previous(self) -> Period:
        """The week before."""
        return week_of(self.monday - timedelta(days=7), self.timezone)

    def next(self) -> Period:
        """The week after."""
        return week_of(self.monday + timedelta(days=7), self.timezone)

    def days(self) -> list[date]:
        """The seven local dates of the week."""
        return [self.monday + timedelta(days=offset) for offset in range(7)]


def _local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def week_of(day: date, timezone: str = "UTC") -> Period:
    """The ISO week containing a local date."""
    year, week, _ = day.isocalendar()
    return Period(year, week, timezone)


def week_containing(moment: datetime, timezone: str = "UTC") -> Period:
    """The ISO week that contains `moment` (read in `timezone`)."""
    return week_of(moment.astimezone(ZoneInfo(timezone)).date(), timezone)


def period_ended_before(moment: datetime, timezone: str = "UTC") -> Period:
    """The last full ISO week before `moment`: what a digest sent at `moment` reports on."""
    return week_containing(moment, timezone).previous()


def parse_week(text: str, timezone: str = "UTC") -> Period:
    """Parse `YYYY-Www` (e.g. `2026-W46`); ValueError with a hint otherwise."""
    found = _WEEK.match(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not an ISO week; write it like 2026-W46")
    year, week = int(found.group(1)), int(found.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"{text!r}: {year} has no week {week}") from error
    return Period(year, week, timezone)
