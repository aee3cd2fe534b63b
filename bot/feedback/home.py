"""What the App Home shows, without Slack: a person's feedback and, for owners, the week so far.

An owner's week is counted by the digest's own per-owner activity (bot/digest/owner_week.py),
so Home and the digest never disagree; each flag's status comes from bot/feedback/home_status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.digest.model import Counts
from bot.digest.owner_week import current_week, owner_week_counts
from bot.digest.period import Period
from bot.feedback.home_status import FlagStatus, flag_status
from bot.feedback.notify import review_day
from bot.owners import choose_owner
from bot.vocabulary import REASON_LABELS
from storage import Store
from storage.models import Owner

UNKNOWN_REASON = "Other"
"""Shown for a stored reason that is not in our list: Home never shows a reason as typed."""


def reason_label(reason: str | None) -> str | None:
    """Our label for a stored reason; one safe label for anything not in our list."""
    if not reason:
        return None
    return REASON_LABELS.get(reason, UNKNOWN_REASON)


@dataclass(frozen=True)
class FeedbackItem:
    """One of a person's flags, with where it stands."""

    question: str
    kind: str
    reason: str | None  # our label (reason_label), never the stored value
    status: FlagStatus
    created_at: datetime


@dataclass(frozen=True)
class OpenTheme:
    """One of an owner's open themes: its label, its flags, and who is on it (if anyone)."""

    label: str
    flags: int
    assignee: str | None = None


@dataclass(frozen=True)
class OwnerWeek:
    """One owner's week so far: the digest's headline numbers and its biggest open themes."""

    owner: str
    period: Period
    counts: Counts
    themes: list[OpenTheme]


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab shows for one user."""

    items: list[FeedbackItem]
    weeks: list[OwnerWeek]
    review_when: str = "regularly"  # "every Monday": when owners review flags


def feedback_items(
    store: Store, user_id: str, owners: list[Owner], *, limit: int
) -> list[FeedbackItem]:
    """A person's latest feedback, each with its true status."""
    rows = store.feedback_with_status(user_id, limit)
    theme_ids = [row.theme.id for row in rows if row.theme is not None and row.theme.id]
    fixes = store.latest_fixes_for(user_id, theme_ids)
    now = store.now()
    items = []
    for row in rows:
        theme = row.theme
        status = flag_status(
            row.feedback,
            theme,
            owner=choose_owner(owners, row.channel_id, row.question),
            latest_fix=fixes.get(theme.id or 0) if theme is not None else None,
            now=now,
        )
        feedback = row.feedback
        items.append(
            FeedbackItem(
                row.question,
                feedback.kind,
                reason_label(feedback.reason),
                status,
                feedback.created_at,
            )
        )
    return items


def owner_weeks(store: Store, owners: list[Owner], timezone: str) -> list[OwnerWeek]:
    """For each owner: this week to date, exactly as its next digest will count it."""
    if not owners:
        return []  # an employee's Home reads no week at all
    period = current_week(store.now(), timezone)
    ids = [owner.id for owner in owners if owner.id is not None]
    counts = owner_week_counts(store, ids, period)
    return [
        OwnerWeek(
            owner.name,
            period,
            counts[owner.id],
            [OpenTheme(t.label, n, t.assignee) for t, n in store.open_themes([owner.id])],
        )
        for owner in owners
        if owner.id is not None
    ]


def home_data(
    store: Store,
    user_id: str,
    *,
    timezone: str = "UTC",
    digest_schedule: str = "0 9 * * 1",
    limit: int = 10,
) -> HomeData:
    """The Home tab's content for `user_id` (owners and their members also get their week)."""
    everyone = store.list_owners()  # routing order, as the digest routes
    items = feedback_items(store, user_id, everyone, limit=limit)
    mine = store.owners_for_member(user_id)
    return HomeData(items, owner_weeks(store, mine, timezone), review_day(digest_schedule))
