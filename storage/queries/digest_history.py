"""Digest reads beyond the week's failures: what answers cited, and how fixed themes did since.

`answer_citations` feeds "Knowledge to fix" and each theme's "why"; `fixed_themes_of` and
`fix_results` feed "Last week's fixes". Reads are bounded by ids or by indexed columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from bot.vocabulary import FAILURE_KINDS, FixOutcome, FixReply
from storage.models import Answer, Feedback, FixCheck, FixNotice, Theme
from storage.queries.base import StoreBase, as_utc


class FixResult(NamedTuple):
    """A theme's latest confirmed fix check: what the replay showed and what reporters said."""

    theme_id: int
    confirmed_at: datetime
    questions: int
    passes: int
    changed: int
    fails: int
    told: int
    confirmed: int
    disputed: int


def cited_paths(sources: Sequence[Any]) -> tuple[str, ...]:
    """The knowledge paths an answer's stored sources name, in order, each once."""
    paths = [s.get("path") for s in sources if isinstance(s, dict)]
    return tuple(dict.fromkeys(p for p in paths if isinstance(p, str) and p))


class DigestHistoryQueries(StoreBase):
    """Reads for the digest's "why", "Knowledge to fix" and "Last week's fixes"."""

    def answer_citations(self, answer_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The knowledge paths each of these answers cited (answers citing nothing are absent)."""
        found: dict[int, tuple[str, ...]] = {}
        ids = sorted(set(answer_ids))
        with self.session() as session:
            for chunk in range(0, len(ids), 500):
                query = sa_select(col(Answer.id), col(Answer.sources)).where(
                    col(Answer.id).in_(ids[chunk : chunk + 500])
                )
                for answer_id, sources in session.execute(query):
                    if paths := cited_paths(sources or []):
                        found[int(answer_id)] = paths
        return found

    def fixed_themes_of(self, owner_id: int, before: datetime) -> list[Theme]:
        """The owner's themes ever marked fixed before `before` (reopened ones included)."""
        query = select(Theme).where(
            Theme.owner_id == owner_id,
            col(Theme.fixed_at).is_not(None),
            col(Theme.fixed_at) < before,
        )
        with self.session() as session:
            return list(session.exec(query.order_by(col(Theme.id))).all())

    def theme_flag_times(
        self, theme_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, list[datetime]]:
        """When each theme was flagged (thumbs down, report, correction) in [start, end)."""
        if not theme_ids:
            return {}
        query = sa_select(col(Feedback.theme_id), col(Feedback.created_at)).where(
            col(Feedback.theme_id).in_(list(theme_ids)),
            col(Feedback.kind).in_(FAILURE_KINDS),
            col(Feedback.created_at) >= start,
            col(Feedback.created_at) < end,
        )
        times: dict[int, list[datetime]] = {}
        with self.session() as session:
            for theme_id, created_at in session.execute(query):
                times.setdefault(int(theme_id), []).append(as_utc(created_at))
        return {theme: sorted(when) for theme, when in times.items()}

    def fix_results(self, theme_ids: Sequence[int], before: datetime) -> dict[int, FixResult]:
        """Each theme's latest fix check confirmed before `before`, with its reporters' replies."""
        if not theme_ids:
            return {}
        query = select(FixCheck).where(
            col(FixCheck.theme_id).in_(list(theme_ids)),
            col(FixCheck.confirmed_at).is_not(None),
            col(FixCheck.confirmed_at) < before,
        )
        with self.session() as session:
            latest: dict[int, FixCheck] = {}
            for check in session.exec(query.order_by(col(FixCheck.confirmed_at))):
                latest[check.theme_id] = check
            ids = [check.id for check in latest.values()]
            told = select(FixNotice).where(col(FixNotice.fix_check_id).in_(ids))
            notices = list(session.exec(told).all())
        return {theme: _result(check, notices) for theme, check in latest.items()}


def _result(check: FixCheck, notices: Sequence[FixNotice]) -> FixResult:
    mine = [n for n in notices if n.fix_check_id == check.id]
    outcomes = [str(r.get("outcome", "")) for r in check.results]
    assert check.confirmed_at is not None
    return FixResult(
        theme_id=check.theme_id,
        confirmed_at=as_utc(check.confirmed_at),
        questions=len(outcomes),
        passes=outcomes.count(FixOutcome.PASSES),
        changed=outcomes.count(FixOutcome.CHANGED),
        fails=outcomes.count(FixOutcome.FAILS),
        told=len({n.user_id for n in mine}),
        confirmed=sum(n.reply == FixReply.RIGHT for n in mine),
        disputed=sum(n.reply == FixReply.WRONG for n in mine),
    )
