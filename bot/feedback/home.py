"""What the App Home shows, without Slack: a person's feedback and, for owners, the week so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage import Store
from storage.models import Feedback, Theme

STATUS_OPEN = "open"
STATUS_WORKED_ON = "in a theme being worked on"
STATUS_FIXED = "fixed"


@dataclass(frozen=True)
class FeedbackItem:
    """One of a person's flags, with where it stands."""

    question: str
    kind: str
    reason: str | None
    status: str
    theme: str | None
    created_at: datetime


@dataclass(frozen=True)
class OwnerWeek:
    """An owner's week so far: volumes and the biggest open themes."""

    owners: list[str]
    counts: dict[str, int]
    themes: list[tuple[str, int]]


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab shows for one user."""

    items: list[FeedbackItem]
    week: OwnerWeek | None


def status_of(feedback: Feedback, theme: Theme | None) -> str:
    """open (not yet grouped), in a theme being worked on, or fixed.

    Fixed only once this person was told: a theme marked fixed whose check found their own
    question still failing leaves them untold, and Home must not say otherwise.
    """
    if feedback.notified_fixed_at is not None and theme is not None and theme.status == "fixed":
        return STATUS_FIXED  # told, and not reopened since (a "still wrong" reopens it)
    return STATUS_OPEN if theme is None else STATUS_WORKED_ON


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 of this week in the team's time zone."""
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=tz)


def home_data(store: Store, user_id: str, *, tz: ZoneInfo, limit: int = 10) -> HomeData:
    """The Home tab's content for `user_id` (owners also get the week so far)."""
    items = [
        FeedbackItem(
            question,
            f.kind,
            f.reason,
            status_of(f, theme),
            theme.label if theme else None,
            f.created_at,
        )
        for f, question, theme in store.feedback_with_status(user_id, limit)
    ]
    owners = store.owners_for_member(user_id)
    if not owners:
        return HomeData(items, None)
    counts = store.week_counts(week_start(store.now(), tz))
    owner_ids = [o.id for o in owners if o.id is not None]
    themes = [(t.label, n) for t, n in store.open_themes(owner_ids)]
    return HomeData(items, OwnerWeek([o.name for o in owners], counts, themes))
