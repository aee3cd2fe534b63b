""" "Knowledge to fix": the knowledge pages most implicated in an owner's failures of the week.

For each page: the failed answers that cited it, and the share of the page's citations (the
owner's answers of the week that cited it, plus the failed ones) that failed, so an owner fixes
the page, not only the answer. A page whose `updated:` front matter is older than
`LASTMILE_STALE_AFTER_DAYS` at the end of the week is marked stale; a page whose metadata names
an `owner` shows it, so the theme's owner knows who can change the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from bot.answering.conflicts import Claim
from bot.answering.disagreement import answer_conflict
from bot.answering.knowledge import KnowledgeBase
from bot.settings import DEFAULT_STALE_AFTER_DAYS

TOP_DOCUMENTS = 5
TOP_CONFLICTS = 5
MAX_QUESTIONS_CHECKED = 300
"""Distinct questions (failed, or answered "sources disagree") searched for conflicting pages
per digest (the newest first)."""


@dataclass(frozen=True)
class KnowledgeDates:
    """When each knowledge page says it was last updated (and when that makes it stale), and
    who its metadata names as its owner."""

    updated: Mapping[str, date] = field(default_factory=dict)
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    owners: Mapping[str, str] = field(default_factory=dict)
    index: KnowledgeBase | None = None  # the loaded knowledge, to find pages that disagree


@dataclass(frozen=True)
class DocumentToFix:
    """One knowledge page and how this week's failures implicate it."""

    path: str
    failed: int  # failed answers that cited it
    cited: int  # the owner's answers that cited it (failed ones included)
    updated: date | None = None
    stale: bool = False
    owner: str | None = None  # the page's `owner:` metadata: who can fix the page itself

    @property
    def failed_share(self) -> float:
        """The share of its citations that failed (0 when never cited)."""
        return self.failed / self.cited if self.cited else 0.0


def knowledge_dates(
    knowledge: KnowledgeBase, stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
) -> KnowledgeDates:
    """Each page's `updated:` date and `owner:`, read from the loaded knowledge (unreadable
    dates skipped), which is also searched for pages that disagree."""
    updated: dict[str, date] = {}
    owners: dict[str, str] = {}
    for passage in knowledge.passages:
        if passage.owner:
            owners.setdefault(passage.path, passage.owner)
        when = passage.updated_date
        if when is not None and passage.path not in updated:
            updated[passage.path] = when
    return KnowledgeDates(updated, stale_after_days, owners, knowledge)


def documents_to_fix(
    failed: Mapping[int, Sequence[str]],
    cited_this_week: Mapping[str, set[int]],
    dates: KnowledgeDates,
    today: date,
    *,
    top: int = TOP_DOCUMENTS,
) -> tuple[DocumentToFix, ...]:
    """The pages cited by failed answers (answer id -> cited paths), most failures first."""
    failing: dict[str, set[int]] = {}
    for answer_id, paths in failed.items():
        for path in paths:
            failing.setdefault(path, set()).add(answer_id)
    stale_before = today - timedelta(days=dates.stale_after_days)
    documents = []
    for path, answers in failing.items():
        updated = dates.updated.get(path)
        documents.append(
            DocumentToFix(
                path=path,
                failed=len(answers),
                cited=len(answers | cited_this_week.get(path, set())),
                updated=updated,
                stale=updated is not None and updated < stale_before,
                owner=dates.owners.get(path),
            )
        )
    documents.sort(key=lambda d: (-d.failed, -d.failed_share, d.path))
    return tuple(documents[:top])


@dataclass(frozen=True)
class PageClaim:
    """What one page says in a conflict."""

    path: str
    title: str
    value: str  # as the page writes it: "25 days", "20 vacation days"
    updated: date | None


@dataclass(frozen=True)
class PagesDisagree:
    """Two knowledge pages stating different values for what the week's questions asked."""

    newer: PageClaim
    older: PageClaim
    dated: bool  # the dates tell which is newer
    questions: int  # this period's questions (failed or "sources disagree") they disagree on
    example: str  # one of those questions


def _claim(claim: Claim) -> PageClaim:
    passage = claim.passage
    return PageClaim(passage.path, passage.title, claim.quantity.text, claim.updated)


def pages_that_disagree(
    questions: Sequence[str], index: KnowledgeBase | None, *, top: int = TOP_CONFLICTS
) -> tuple[PagesDisagree, ...]:
    """Conflicting page pairs behind `questions` (newest first), most questions first.

    Each question is searched as it would be answered now; two pages found for it that state
    different values for what it asks (bot/answering/conflicts.py) are a pair to fix: retire
    the older page or correct one of them.
    """
    if index is None:
        return ()
    seen: dict[tuple[str, str, str, str], PagesDisagree] = {}
    distinct = list(dict.fromkeys(q.strip() for q in questions if q.strip()))
    for question in distinct[:MAX_QUESTIONS_CHECKED]:
        conflict = answer_conflict(question, index.search(question))
        if conflict is None:
            continue
        newer, older = _claim(conflict.newer), _claim(conflict.older)
        key = (newer.path, newer.value, older.path, older.value)
        known = seen.get(key)
        if known is None:
            seen[key] = PagesDisagree(newer, older, conflict.dated, 1, question)
        else:
            seen[key] = replace(known, questions=known.questions + 1)
    found = list(seen.values())
    found.sort(key=lambda c: (-c.questions, c.newer.path, c.older.path))
    return tuple(found[:top])
