"""The known-issue warning: an answer on a subject colleagues flagged recently says so.

A theme that is open (flagged, not fixed, not snoozed) with failures in the last
RECENT_DAYS days is a known issue. A question that matches one of its flagged questions as
closely as a verified answer must (bot/answering/verified.py's `variant_score`, precision
first) gets one line after the answer naming how many reports and who is reviewing them. A
verified answer, once approved, is served before any of this. A warned answer is never shown
as "Grounded": its confidence line says colleagues flagged the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answering.confidence import GROUNDED
from bot.answering.types import AnswerOutcome
from bot.answering.verified import MATCH_THRESHOLD, variant_score

RECENT_DAYS = 14
MIN_PEOPLE = 2
"""One person's flag is an opinion; two people on the same subject are a pattern to tell."""
FLAGGED_LINE = "Colleagues flagged this subject: check before relying on this"
MAX_CONFIDENCE = 0.5
"""A warned answer is never shown as grounded."""
KNOWN_ISSUE_MARK = ":information_source: Colleagues flagged answers on this subject"


@dataclass(frozen=True)
class KnownIssue:
    """An open theme with recent failures, and the questions that failed."""

    theme_id: int
    label: str
    reviewer: str  # who is reviewing it: the theme owner's name
    questions: tuple[str, ...]
    people: int  # how many people flagged it in the window (a vote and a correction: one)


def match_known_issue(question: str, issues: Sequence[KnownIssue]) -> KnownIssue | None:
    """The known issue one of whose flagged questions the question matches, best first."""
    best: tuple[float, int, KnownIssue] | None = None
    for issue in issues:
        if issue.people < MIN_PEOPLE:
            continue
        score = max((variant_score(question, asked) for asked in set(issue.questions)), default=0)
        if score >= MATCH_THRESHOLD and (best is None or (score, issue.people) > best[:2]):
            best = (score, issue.people, issue)
    return best[2] if best is not None else None


def known_issue_line(issue: KnownIssue) -> str:
    """The line after the answer (mrkdwn; the sink escapes it)."""
    return (
        f"\n\n{KNOWN_ISSUE_MARK} in the last {RECENT_DAYS} days ({issue.people} people); "
        f"{issue.reviewer} is reviewing them. Check this answer before relying on it."
    )


def with_known_issue(outcome: AnswerOutcome, issue: KnownIssue) -> AnswerOutcome:
    """The outcome with the line appended (the caller streams it) and never "Grounded"."""
    grounded = bool(outcome.sources) and outcome.confidence >= GROUNDED
    return replace(
        outcome,
        text=outcome.text + known_issue_line(issue),
        confidence=min(outcome.confidence, MAX_CONFIDENCE),
        confidence_line=FLAGGED_LINE if grounded else outcome.confidence_line,
    )
