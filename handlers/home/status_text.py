"""One flag's status in words. Every name, label and reason in it is escaped."""

from __future__ import annotations

from bot.feedback.home_status import FlagState, FlagStatus
from bot.mrkdwn import escape, truncate
from bot.owners import is_user_id

FIXED_CHECKING = ":mag: marked fixed — fix being checked"
PHRASES: dict[FlagState, str] = {
    FlagState.THANKS: ":+1: thanks for the thumbs up",
    FlagState.UNOWNED: (
        ":hourglass: open — no one reviews answers on this subject yet, so it is in no digest"
    ),
    FlagState.OPEN: ":hourglass: open — no one is working on it yet",
    FlagState.FIX_CHECKING: FIXED_CHECKING,
    FlagState.FIX_STILL_FAILING: (
        f"{FIXED_CHECKING}: your question still got the flagged answer, so it is not fixed for you"
    ),
    FlagState.FIX_AWAITING_REPLY: (
        f"{FIXED_CHECKING}: is the new answer I sent you by DM right? Tell me there"
    ),
    FlagState.FIX_VERIFIED: (
        ":white_check_mark: fix verified — your question now gets the corrected answer"
    ),
    FlagState.FIX_CONFIRMED: ":white_check_mark: fix confirmed by you",
}


def mention(user: str | None) -> str:
    """A mention for a Slack user id (Home never notifies); anything else as plain text."""
    if user and is_user_id(user):
        return f"<@{user}>"
    return escape(user or "someone")


def _sentence(status: FlagStatus, review_when: str) -> str:
    state = status.state
    if state == FlagState.AWAITING_REVIEW:
        owner = escape(status.owner or "its owner")
        return f":hourglass: open — waiting for this week's review by {owner} ({review_when})"
    if state == FlagState.ASSIGNED:
        return f":hammer_and_wrench: assigned to {mention(status.assignee)} — being worked on"
    if state == FlagState.WONT_FIX:
        reason = f" ({escape(truncate(status.reason, 200))})" if status.reason else ""
        return f":no_entry_sign: won't fix{reason}"
    if state == FlagState.SNOOZED:
        until = f" until {status.until:%d %b}" if status.until else ""
        return f":zzz: open — put off by its owner{until}"
    return PHRASES[state]


def status_line(status: FlagStatus, review_when: str) -> str:
    """`<icon> <status>` plus the theme it is in, e.g. `… · theme “VPN setup”`."""
    line = _sentence(status, review_when)
    if status.theme:
        line += f" · theme “{escape(truncate(status.theme, 150))}”"
    return line
