"""What an owner's click on a digest does to a theme, and the line the digest then shows.

Mark fixed (after its check is confirmed, bot/digest/fix_confirm.py), won't fix and their undos
are state changes on `theme`; each records who did it and when (`status_by`, `status_at`), which
the digest message shows in place of the buttons, so co-owners reading it see what was done.

Undoing a fix cancels the confirmed fix check. Reporters who were already sent "it was fixed"
are told it was reopened; a reporter whose notice was planned but never sent is never told
anything. Every reporter of that check counts as untold again, so a later, real fix tells them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.mrkdwn import escape, truncate
from bot.runtime import Runtime
from bot.vocabulary import ThemeStatus
from storage.models import Theme, VerifiedAnswer
from storage.queries.base import as_utc

REASON_MAX = 500


@dataclass(frozen=True)
class ToldReporter:
    """A reporter who was sent the fix notice: where that message is."""

    user_id: str
    channel_id: str
    message_ts: str


@dataclass(frozen=True)
class UndoneFix:
    """A fix undone: the theme (open again) and the reporters to tell it was reopened."""

    theme: Theme
    told: tuple[ToldReporter, ...]


def clock_time(moment: datetime | None, zone: tzinfo) -> str:
    """`10:42` in the configured time zone ("" when unknown)."""
    if moment is None:
        return ""
    return f"{as_utc(moment).astimezone(zone):%H:%M}"


def _who(user: str | None) -> str:
    return f"<@{user}>" if user and user.isalnum() else "an owner"


def state_line(theme: Theme, zone: tzinfo) -> str:
    """The theme's state after an owner acted, for the digest message; "" when open and new."""
    when = clock_time(theme.status_at, zone)
    by = f"{_who(theme.status_by)}, {when}" if when else _who(theme.status_by)
    if theme.status == ThemeStatus.FIXED:
        return f":white_check_mark: Marked fixed by {by} · fix check running"
    if theme.status == ThemeStatus.WONT_FIX:
        reason = truncate(escape(" ".join((theme.wont_fix_reason or "").split())), 300)
        return f":no_entry_sign: Won't fix: {reason or 'no reason given'} — {by}"
    if theme.status_by:
        return f":leftwards_arrow_with_hook: Reopened by {by}"
    return ""


def approved_line(verified: VerifiedAnswer, zone: tzinfo) -> str:
    """`Approved by <@U123>, 10:42`, or that its approval was undone."""
    if not verified.active:
        when = clock_time(verified.retired_at, zone)
        return f":leftwards_arrow_with_hook: Approval undone by {_who(verified.updated_by)}, {when}"
    when = clock_time(verified.checked_at or verified.created_at, zone)
    return f":white_check_mark: Approved by {_who(verified.approved_by)}, {when}"


def mark_wont_fix(runtime: Runtime, theme_id: int, *, by: str, reason: str) -> Theme | None:
    """Close an open theme as won't fix with an optional reason; None when it was not open."""
    text = " ".join(reason.split())[:REASON_MAX] or None
    if not runtime.store.mark_theme_wont_fix(theme_id, by=by, reason=text):
        return None
    return runtime.store.get_theme(theme_id)


def undo_wont_fix(runtime: Runtime, theme_id: int, *, by: str) -> Theme | None:
    """Open a won't-fix theme again; None when it was not won't fix."""
    if not runtime.store.undo_theme_status(theme_id, ThemeStatus.WONT_FIX, by=by):
        return None
    return runtime.store.get_theme(theme_id)


def undo_fixed(runtime: Runtime, theme_id: int, *, by: str) -> UndoneFix | None:
    """Open a fixed theme again and cancel its confirmed check; None when it was not fixed."""
    store = runtime.store
    if not store.undo_theme_status(theme_id, ThemeStatus.FIXED, by=by):
        return None
    told: list[ToldReporter] = []
    check = store.latest_confirmed_check(theme_id)
    if check is not None and check.id is not None and store.cancel_fix_check(check.id, by=by):
        notices = store.fix_notices([check.id])
        for notice in notices:
            answer = store.get_answer(notice.answer_id) if notice.answer_id else None
            if answer is not None and answer.channel_id and answer.message_ts:
                told.append(ToldReporter(notice.user_id, answer.channel_id, answer.message_ts))
        store.release_reports_told(theme_id, sorted({n.user_id for n in notices}))
    theme = store.get_theme(theme_id)
    return UndoneFix(theme, tuple(told)) if theme is not None else None


def undo_approve(runtime: Runtime, feedback_id: int, *, by: str) -> VerifiedAnswer | None:
    """Retire the verified answer approved from this correction; None when none is served."""
    store = runtime.store
    verified = store.verified_from_correction(feedback_id)
    if verified is None or verified.id is None or not store.retire_verified(verified.id, by=by):
        return None
    return store.get_verified(verified.id)
