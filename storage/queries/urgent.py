"""Urgent pings: one pending row per urgent answer, claimed by one flush, never lost.

A row is pending (`sent_at` NULL) until a flush claims it. Claiming sets `sent_at` and marks the
row in flight with `channel_id = ""`; posting fills `channel_id`/`message_ts`; a failed post
releases the claim (`sent_at` back to NULL) so a later flush sends it. A flush that died between
claim and post leaves an in-flight row, which is claimable again after `IN_FLIGHT_LEASE_S`.

An owner is due when none of its pings went out (or is going out) within the interval. The
claim is one UPDATE whose WHERE says both "pending" and "due", so on SQLite it is atomic; on
PostgreSQL a transaction-scoped advisory lock per owner serializes replicas, so each sees what
the other claimed and two replicas never send two messages for one owner in one interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, or_, text, update
from sqlmodel import Session, col, select

from storage.models import Answer, Feedback, Question, UrgentPing
from storage.queries.base import StoreBase

IN_FLIGHT = ""
"""`channel_id` of a claimed row whose message is being posted."""
IN_FLIGHT_LEASE_S = 300
"""After this long an in-flight row is taken to be from a flush that died: claimable again."""
_LOCK_SPACE = 7011  # pg_advisory_xact_lock(space, owner): one lock per owner for urgent pings


class UrgentRow(NamedTuple):
    """One claimed urgent report with what its message shows."""

    ping: UrgentPing
    answer: Answer
    question: str
    people: int  # distinct people who reported the answer


def _of_owner(column: Any, owner_id: int | None) -> ColumnElement[bool]:
    return col(column).is_(None) if owner_id is None else col(column) == owner_id


class UrgentQueries(StoreBase):
    """Queries on `urgent_ping`."""

    def count_reporters(self, answer_id: int) -> int:
        """How many distinct people reported an answer (one person reporting twice is one)."""
        query = select(func.count(func.distinct(col(Feedback.user_id)))).where(
            Feedback.answer_id == answer_id, Feedback.kind == "report"
        )
        with self.session() as session:
            return int(session.exec(query).one())

    def add_urgent_report(self, *, answer_id: int, owner_id: int | None, reason: str) -> bool:
        """Queue an urgent report (pending); False when this answer is already queued or sent."""
        row = UrgentPing(
            answer_id=answer_id, owner_id=owner_id, reason=reason, created_at=self.now()
        )
        return self.try_insert(row)

    def claim_due_pings(self, *, owner_id: int | None, interval_s: int) -> list[UrgentRow]:
        """Claim every pending ping of an owner if it is due; [] when not due or none pending.

        The claim is written first (taking SQLite's write lock, PostgreSQL's row locks), then
        "due" is checked against every other ping of the owner; not due rolls the claim back.
        """
        now = self.now()
        lease = now - timedelta(seconds=IN_FLIGHT_LEASE_S)
        pending = or_(
            col(UrgentPing.sent_at).is_(None),
            and_(col(UrgentPing.channel_id) == IN_FLIGHT, col(UrgentPing.sent_at) < lease),
        )
        claim = (
            update(UrgentPing)
            .where(_of_owner(UrgentPing.owner_id, owner_id), pending)
            .values(sent_at=now, channel_id=IN_FLIGHT, message_ts=None)
            .returning(col(UrgentPing.id))
            .execution_options(synchronize_session=False)
        )
        recent = select(UrgentPing.id).where(
            _of_owner(UrgentPing.owner_id, owner_id),
            col(UrgentPing.sent_at) > now - timedelta(seconds=interval_s),
        )
        with self.session() as session:
            self._lock_owner(session, owner_id)
            ids = [int(i) for i in session.execute(claim).scalars().all()]
            if ids and session.exec(recent.where(col(UrgentPing.id).not_in(ids))).first():
                session.rollback()  # a ping went out within the interval: not due yet
                return []
        return self._rows(ids)

    def _lock_owner(self, session: Session, owner_id: int | None) -> None:
        if self.dialect == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:space, :owner)")
            session.execute(lock, {"space": _LOCK_SPACE, "owner": owner_id or 0})

    def _rows(self, ids: Sequence[int]) -> list[UrgentRow]:
        if not ids:
            return []
        query = (
            select(UrgentPing, Answer, Question.text)
            .join(Answer, col(Answer.id) == col(UrgentPing.answer_id))
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(col(UrgentPing.id).in_(ids))
            .order_by(col(UrgentPing.created_at), col(UrgentPing.id))
        )
        with self.session() as session:
            found = session.exec(query).all()
        return [UrgentRow(p, a, q, self.count_reporters(a.id or 0)) for p, a, q in found]

    def mark_pings_sent(self, ids: Sequence[int], *, channel_id: str, message_ts: str) -> None:
        """The coalesced message is posted: record where, so Hide can find it."""
        values = {"channel_id": channel_id, "message_ts": message_ts, "sent_at": self.now()}
        with self.session() as session:
            session.execute(update(UrgentPing).where(col(UrgentPing.id).in_(ids)).values(values))

    def release_pings(self, ids: Sequence[int]) -> None:
        """Posting failed: the rows are pending again, for the next flush."""
        values = {"channel_id": None, "message_ts": None, "sent_at": None}
        with self.session() as session:
            session.execute(update(UrgentPing).where(col(UrgentPing.id).in_(ids)).values(values))

    def owners_with_pending_pings(self) -> list[int | None]:
        """Owner ids (None: no owner, the admins) that have urgent pings still to send."""
        lease = self.now() - timedelta(seconds=IN_FLIGHT_LEASE_S)
        stale = and_(col(UrgentPing.channel_id) == IN_FLIGHT, col(UrgentPing.sent_at) < lease)
        query = (
            select(UrgentPing.owner_id)
            .where(or_(col(UrgentPing.sent_at).is_(None), stale))
            .distinct()
        )
        with self.session() as session:
            return list(session.exec(query).all())

    def urgent_ping_for_answer(self, answer_id: int) -> UrgentPing | None:
        """The urgent ping of an answer, if it was ever urgent."""
        query = select(UrgentPing).where(UrgentPing.answer_id == answer_id)
        with self.session() as session:
            return session.exec(query).one_or_none()
