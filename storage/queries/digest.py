"""Digest reads (a period's failures and numbers) and the exactly-once DigestRun claim.

Every read is bounded by `created_at` (indexed on question, answer and feedback), so a week's
digest reads that week only, however large the tables grow.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.vocabulary import FAILURE_KINDS, OWNER_ANSWER_SOURCE
from storage.models import Answer, DigestRun, Feedback, Question
from storage.queries.base import as_utc
from storage.queries.digest_history import DigestHistoryQueries


class FailureRecord(NamedTuple):
    """One flagged failure: a thumbs down, report or correction on an answer."""

    kind: str  # down | report | correction
    feedback_id: int | None
    answer_id: int
    user_id: str  # who flagged it
    reason: str | None
    correction: str | None
    question: str
    answer: str
    channel_id: str
    message_ts: str
    created_at: datetime
    prompt_version: str
    model: str
    theme_id: int | None
    trace_id: str | None = None  # the answer's OpenTelemetry trace (LASTMILE_TRACE_URL links it)


class DigestClaim(NamedTuple):
    """A claimed DigestRun; `resumed`: an earlier claim died and may have posted already.

    `token` is this claim's own: only its holder can renew, record or release the run.
    """

    run_id: int
    resumed: bool
    token: str


def _columns(*attributes: Any) -> list[Any]:
    """Model attributes as SQL columns (typed loosely: wide selects exceed the overloads)."""
    return [col(attribute) for attribute in attributes]


class DigestQueries(DigestHistoryQueries):
    """Queries for building and posting digests (and, inherited, the history they show)."""

    def failures_between(self, start: datetime, end: datetime) -> list[FailureRecord]:
        """Every flagged failure created in [start, end), oldest first.

        Provider errors nobody flagged are the digest's "Couldn't answer well"
        (storage/queries/silent.py), counted apart from what people flagged.
        """
        flagged = (
            sa_select(*_columns(
                Feedback.kind, Feedback.id, Answer.id, Feedback.user_id, Feedback.reason,
                Feedback.text, Question.text, Answer.text, Question.channel_id,
                Answer.message_ts, Question.message_ts, Feedback.created_at,
                Answer.prompt_version, Answer.model, Feedback.theme_id, Answer.trace_id,
            ))
            .join(Answer, col(Answer.id) == col(Feedback.answer_id))
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(col(Feedback.kind).in_(FAILURE_KINDS))
            .where(col(Feedback.source) != OWNER_ANSWER_SOURCE)
            .where(col(Feedback.created_at) >= start, col(Feedback.created_at) < end)
        )  # fmt: skip
        with self.session() as session:
            rows = [
                FailureRecord(k, f, a, u, r, t, q, at, ch, ats or qts, as_utc(c), pv, m, th, tr)
                for k, f, a, u, r, t, q, at, ch, ats, qts, c, pv, m, th, tr in session.execute(
                    flagged
                )
            ]
        return sorted(rows, key=lambda row: (row.created_at, row.answer_id))

    def theme_counts_between(
        self, theme_ids: list[int], start: datetime, end: datetime
    ) -> dict[int, int]:
        """Failures (thumbs down, reports, corrections) per theme in [start, end)."""
        if not theme_ids:
            return {}
        query = (
            select(Feedback.theme_id, func.count())
            .where(col(Feedback.theme_id).in_(theme_ids))
            .where(col(Feedback.kind).in_(FAILURE_KINDS))
            .where(Feedback.created_at >= start, Feedback.created_at < end)
            .group_by(col(Feedback.theme_id))
        )
        with self.session() as session:
            return {int(theme): int(n) for theme, n in session.exec(query) if theme is not None}

    def claim_digest(
        self, *, owner_id: int, period: str, claimed_by: str, lease: timedelta
    ) -> DigestClaim | None:
        """Claim owner+period for posting. None when it was posted or is held by a live claim.

        A claim older than `lease` that never recorded a post belongs to a process that died
        (or stalled); a 'failed' one was refused by Slack. Either is taken over (resumed=True)
        by one caller only, thanks to the guarded UPDATE, under a new token.
        """
        now, token = self.now(), uuid.uuid4().hex
        row = DigestRun(
            owner_id=owner_id, period=period, claimed_by=claimed_by, claimed_at=now,
            claim_token=token,
        )  # fmt: skip
        try:
            with self.session() as session:
                session.add(row)
                session.flush()
                assert row.id is not None
                return DigestClaim(row.id, resumed=False, token=token)
        except IntegrityError:
            pass
        with self.session() as session:
            query = select(DigestRun).where(
                DigestRun.owner_id == owner_id, DigestRun.period == period
            )
            found = session.exec(query).one()
            live = found.status == "claimed" and now - as_utc(found.claimed_at) < lease
            if found.status == "posted" or live:
                return None
            taken = session.exec(
                update(DigestRun)
                .where(col(DigestRun.id) == found.id, col(DigestRun.status) == found.status)
                .where(col(DigestRun.claimed_by) == found.claimed_by)
                .where(col(DigestRun.claimed_at) == found.claimed_at)
                .values(claimed_by=claimed_by, claimed_at=now, claim_token=token,
                        status="claimed", error=None)
            )  # fmt: skip
            if taken.rowcount != 1:
                return None
            assert found.id is not None
            return DigestClaim(found.id, resumed=True, token=token)

    def _held(self, claim: DigestClaim, **values: object) -> bool:
        """Write `values` to the run only while `claim` still holds it; True if it did."""
        with self.session() as session:
            done = session.exec(
                update(DigestRun)
                .where(col(DigestRun.id) == claim.run_id, col(DigestRun.status) == "claimed")
                .where(col(DigestRun.claim_token) == claim.token)
                .values(**values)
            )
            return bool(done.rowcount == 1)

    def renew_digest_claim(self, claim: DigestClaim) -> bool:
        """Re-check the claim just before posting and restart its lease; False: it was lost."""
        return self._held(claim, claimed_at=self.now())

    def record_digest_posted(
        self, claim: DigestClaim, *, channel_id: str, message_ts: str, summary: dict[str, object]
    ) -> bool:
        """Mark a claimed digest posted, with where it lives in Slack; False: claim lost."""
        return self._held(
            claim, status="posted", channel_id=channel_id, message_ts=message_ts,
            posted_at=self.now(), summary=summary,
        )  # fmt: skip

    def release_digest_claim(self, claim: DigestClaim, *, error: str) -> bool:
        """Mark a claim 'failed' (Slack refused the post) so the next run retries at once."""
        return self._held(claim, status="failed", error=error[:255])

    def digest_runs(self, period: str) -> list[DigestRun]:
        """The runs of one period, by owner."""
        with self.session() as session:
            query = select(DigestRun).where(DigestRun.period == period)
            return list(session.exec(query.order_by(col(DigestRun.owner_id))).all())
