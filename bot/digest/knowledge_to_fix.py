""" "Knowledge to fix": the knowledge pages most implicated in an owner's failures of the week.

For each page: the failed answers that cited it, and the share of the page's citations (the
owner's answers of the week that cited it, plus the failed ones) that failed, so an owner fixes
the page, not only the answer. A page whose `updated:` front matter is older than
`LASTMILE_STALE_AFTER_DAYS` at the end of the week is marked stale; a page whose metadata names
an `owner` shows it, so the theme's owner knows who can change the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.answering.types import Passage
from bot.settings import DEFAULT_STALE_AFTER_DAYS

TOP_DOCUMENTS = 5


@dataclass(frozen=True)
class KnowledgeDates:
    """When each knowledge page says it was last updated (and when that makes it stale), and
    who its metadata names as its owner."""

    updated: Mapping[str, date] = field(default_factory=dict)
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    owners: Mapping[str, str] = field(default_factory=dict)


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
    passages: Iterable[Passage], stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
) -> KnowledgeDates:
    """Each page's `updated:` date and `owner:`, read from the loaded knowledge (unreadable
    dates skipped)."""
    updated: dict[str, date] = {}
    owners: dict[str, str] = {}
    for passage in passages:
        if passage.owner:
            owners.setdefault(passage.path, passage.owner)
        if passage.updated and passage.path not in updated:
            when = parse_updated(passage.updated)
            if when is not None:
                updated[passage.path] = when
    return KnowledgeDates(updated, stale_after_days, owners)


def parse_updated(text: str) -> date | None:
    """`2019-03-01` (a time after it is ignored) as a date; None for anything else."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


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
