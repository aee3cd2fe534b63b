"""Where one of a person's flags truly stands, for the App Home.

Each status is read from what was actually done: a thumbs up is thanks, not a flag; a flag not
yet in a theme waits for its owner's next digest (or for nobody, when no owner takes it); a
flag in a theme takes the theme's status, and "being worked on" is said only of an assigned
theme; a fixed theme says fix verified, confirmed by you, or still being checked, from the fix
check that was confirmed and the notice (if any) this person got from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.vocabulary import FeedbackKind, FixOutcome, FixReply, ThemeStatus
from storage.models import Feedback, Owner, Theme
from storage.queries.base import as_utc
from storage.queries.feedback_views import LatestFix

SAME_CLICK = timedelta(minutes=1)


class FlagState(StrEnum):
    """Every status the App Home may show for one piece of feedback."""

    THANKS = "thanks"  # a thumbs up: not a flag, nothing to track
    AWAITING_REVIEW = "awaiting_review"  # not in a theme yet; its owner's next digest has it
    UNOWNED = "unowned"  # not in a theme, and no owner will see it in a digest
    OPEN = "open"  # in a theme nobody has taken on yet
    ASSIGNED = "assigned"  # in a theme someone is assigned to: being worked on
    SNOOZED = "snoozed"  # in a theme its owner put off until a date
    WONT_FIX = "wont_fix"  # in a theme its owner decided not to fix (maybe with a reason)
    FIX_CHECKING = "fix_checking"  # marked fixed; not (yet) shown to work for this person
    FIX_STILL_FAILING = "fix_still_failing"  # marked fixed, but their question failed the check
    FIX_AWAITING_REPLY = "fix_awaiting_reply"  # new answer sent; "Is this right now?" unanswered
    FIX_VERIFIED = "fix_verified"  # their question now gets the right answer (scored)
    FIX_CONFIRMED = "fix_confirmed"  # they said the new answer is right


@dataclass(frozen=True)
class FlagStatus:
    """A flag's state plus what the sentence needs: owner, assignee, reason, date."""

    state: FlagState
    theme: str | None = None
    owner: str | None = None  # the owner whose digest reviews it (AWAITING_REVIEW)
    assignee: str | None = None  # a Slack user id (ASSIGNED)
    reason: str | None = None  # the won't-fix reason, when one was given
    until: datetime | None = None  # snoozed until


def flag_status(
    feedback: Feedback,
    theme: Theme | None,
    *,
    owner: Owner | None,
    latest_fix: LatestFix | None,
    now: datetime,
) -> FlagStatus:
    """The true status of one piece of feedback for the person who gave it."""
    if feedback.kind == FeedbackKind.UP:
        return FlagStatus(FlagState.THANKS)
    if theme is None:
        if owner is None:
            return FlagStatus(FlagState.UNOWNED)
        return FlagStatus(FlagState.AWAITING_REVIEW, owner=owner.name)
    if theme.status == ThemeStatus.FIXED:
        return FlagStatus(_fixed_state(feedback.user_id, theme, latest_fix), theme.label)
    if theme.status == ThemeStatus.WONT_FIX:
        return FlagStatus(FlagState.WONT_FIX, theme.label, reason=theme.wont_fix_reason or None)
    if theme.assignee:
        return FlagStatus(FlagState.ASSIGNED, theme.label, assignee=theme.assignee)
    until = as_utc(theme.snoozed_until) if theme.snoozed_until is not None else None
    if theme.status == ThemeStatus.SNOOZED or (until is not None and until > now):
        return FlagStatus(FlagState.SNOOZED, theme.label, until=until)
    return FlagStatus(FlagState.OPEN, theme.label)


def _fixed_state(user_id: str, theme: Theme, latest_fix: LatestFix | None) -> FlagState:
    """A fixed theme, for one reporter: what the confirmed check and its notice showed them."""
    if latest_fix is None or not _is_current(theme, latest_fix):
        return FlagState.FIX_CHECKING
    notice = latest_fix.notice
    if notice is None:
        failed = any(
            result.get("outcome") == FixOutcome.FAILS and user_id in result.get("users", ())
            for result in latest_fix.check.results
        )
        return FlagState.FIX_STILL_FAILING if failed else FlagState.FIX_CHECKING
    if notice.reply == FixReply.RIGHT:
        return FlagState.FIX_CONFIRMED
    if notice.reply is None and notice.outcome == FixOutcome.PASSES:
        return FlagState.FIX_VERIFIED
    if notice.reply is None:
        return FlagState.FIX_AWAITING_REPLY
    return FlagState.FIX_CHECKING  # they said it is still wrong: not verified for them


def _is_current(theme: Theme, latest_fix: LatestFix) -> bool:
    """The check belongs to the theme's present fix, not to one made before it was reopened.

    Confirming claims the check and then stamps `fixed_at` in the same click, so a current
    check was confirmed no earlier than a moment before `fixed_at`.
    """
    confirmed = latest_fix.check.confirmed_at
    if confirmed is None:
        return False
    return theme.fixed_at is None or as_utc(confirmed) >= as_utc(theme.fixed_at) - SAME_CLICK
