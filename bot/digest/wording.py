"""The digest's words: dates, reasons, counts and changes, the same in Slack and Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.digest.period import Period
from bot.feedback.signals import REASON_LABELS
from bot.vocabulary import SILENT_REASON_LABELS

if TYPE_CHECKING:
    from bot.digest.knowledge_to_fix import PagesDisagree


def date_range(period: Period) -> str:
    """`Mon 23 Nov – Sun 29 Nov 2026`: the period's local days, as both renderings show them."""
    days = period.days()
    return f"{days[0]:%a %d %b} – {days[-1]:%a %d %b %Y}"


def reason_phrase(reason: str) -> str:
    """A theme's most common reason as a phrase that cannot be misread as a status.

    `corrected` (a kind, not a reason) reads "most flags include a correction", never
    "mostly corrected", which reads as "mostly fixed".
    """
    by_kind = {
        "corrected": "most flags include a correction",
        "thumbs down": "most flags are a thumbs down without a reason",
        "reported": "most flags are reports without a reason",
        "error": "most are provider errors",
    }
    return by_kind.get(reason) or f"most common reason: {reason_text(reason)}"


def reason_text(reason: str) -> str:
    """A theme's most common reason in words (`wrong_facts` -> `wrong facts`)."""
    return REASON_LABELS.get(reason, reason.replace("_", " ")).lower()


def themes_text(count: int) -> str:
    """`1 theme`, `3 themes`."""
    return f"{count} theme" if count == 1 else f"{count} themes"


def votes_text(votes: int, downs_rate: float) -> str:
    """A day's thumbs-down share, or `no votes`."""
    if not votes:
        return "no votes"
    return f"{downs_rate:.0%} of {votes} vote" + ("" if votes == 1 else "s")


def people_text(count: int) -> str:
    """`1 person`, `3 people`."""
    return f"{count} person" if count == 1 else f"{count} people"


def handoffs_text(count: int, still_open: int) -> str:
    """`1 hand-off to a person (1 open)`, `3 hand-offs to people (all resolved)`."""
    noun = "hand-off to a person" if count == 1 else "hand-offs to people"
    state = f"{still_open} open" if still_open else "all resolved"
    return f"{count} {noun} ({state})"


def failures_text(count: int) -> str:
    """`1 failure`, `3 failures`."""
    return f"{count} failure" if count == 1 else f"{count} failures"


def change(current: float, previous: float) -> str:
    """`+3`, `-2`, `±0` — how a number moved against last period."""
    delta = current - previous
    if isinstance(current, int) and isinstance(previous, int):
        return f"{delta:+d}" if delta else "±0"
    return f"{delta * 100:+.0f} pts" if round(delta * 100) else "±0 pts"


def conflict_advice(pair: PagesDisagree) -> str:
    """How many of the week's questions the two pages disagree on (flagged, or answered with
    "sources disagree" and not flagged), and what to do about it."""
    asked = f"{pair.questions} question{'s' if pair.questions != 1 else ''} this week"
    if pair.dated:
        return f"{asked}; retire or correct the older page"
    return f"{asked}; neither page is dated: correct one and add `updated:`"


def silent_reasons_text(reasons: Sequence[tuple[str, int]]) -> str:
    """`3 "don't know", 2 asked again, 1 provider error`: why a theme's answers failed."""
    parts = []
    for reason, count in reasons:
        one, many = SILENT_REASON_LABELS.get(reason, (reason, reason))
        parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts)


def questions_text(count: int) -> str:
    """`1 question`, `3 questions`."""
    return f"{count} question" if count == 1 else f"{count} questions"


SILENT_INTRO = (
    "Nobody flagged these, yet the bot said it didn't know, found no or weak support, "
    "failed, or the person asked again right away."
)
