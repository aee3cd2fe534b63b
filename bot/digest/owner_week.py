"""An owner's current week to date, counted exactly as the digest counts it.

The App Home's "This week so far" must agree with the digest an owner will get, so it reads
the same per-owner activity (`activity_by_owner`) over the same ISO week (`week_containing`),
not a query of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digest.activity import Activity, activity_by_owner
from bot.digest.model import Counts
from bot.digest.period import Period, week_containing
from storage import Store


def current_week(now: datetime, timezone: str) -> Period:
    """The ISO week (in the team's time zone) that `now` falls in: the next digest's week."""
    return week_containing(now, timezone)


def owner_week_counts(store: Store, owner_ids: Sequence[int], period: Period) -> dict[int, Counts]:
    """Each owner's headline numbers for `period` so far, as its digest would show them."""
    activity = activity_by_owner(store, period)
    return {owner_id: activity.get(owner_id, Activity()).counts for owner_id in owner_ids}
