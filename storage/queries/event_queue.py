"""The event table as a work queue: workers claim recorded events under a lease they renew.

An event is due when it is `received` (and past its `lease_until`, which on a received row is
a retry's "not before"), or `processing` under a lease that has run out (its worker died or
lost the database for longer than the lease). One UPDATE ... WHERE id = (SELECT
... LIMIT 1) RETURNING claims it, so exactly one worker across threads, processes and replicas
gets each event; PostgreSQL adds `FOR UPDATE SKIP LOCKED` so concurrent workers don't queue up
behind the same row, and SQLite serialises writers anyway. Oldest first: a backlog drains in
arrival order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, or_, update
from sqlmodel import col, select

from storage.models import ProcessedEvent
from storage.queries.base import StoreBase, as_utc

UNFINISHED = ("received", "processing")


class Backlog(NamedTuple):
    """Events due for a worker, events a worker holds now, and failed ones waiting to retry."""

    waiting: int
    working: int
    retrying: int = 0


class Claimed(NamedTuple):
    """An event a worker now holds: its id, kind, payload and which attempt this is."""

    event_id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    received_at: datetime | None = None


class EventQueueQueries(StoreBase):
    """Claim, renew and count queued events (statuses as in storage/queries/events.py)."""

    def next_event(
        self,
        *,
        lease_s: float,
        only_kinds: Sequence[str] | None = None,
        skip_kinds: Sequence[str] | None = None,
        stale_before: datetime | None = None,
    ) -> Claimed | None:
        """Claim the oldest due event (of `only_kinds`, not of `skip_kinds`); None if none."""
        now = self.now()
        due = self._due(now, stale_before)
        if only_kinds is not None:
            due = and_(due, col(ProcessedEvent.kind).in_(tuple(only_kinds)))
        if skip_kinds:
            due = and_(due, col(ProcessedEvent.kind).not_in(tuple(skip_kinds)))
        oldest = select(ProcessedEvent.id).where(due).order_by(col(ProcessedEvent.id)).limit(1)
        if self.dialect == "postgresql":
            oldest = oldest.with_for_update(skip_locked=True)
        statement = (
            update(ProcessedEvent)
            .where(col(ProcessedEvent.id) == oldest.scalar_subquery(), due)
            .values(
                status="processing",
                started_at=now,
                lease_until=now + timedelta(seconds=lease_s),
                attempts=col(ProcessedEvent.attempts) + 1,
            )
            .returning(
                col(ProcessedEvent.event_id),
                col(ProcessedEvent.kind),
                col(ProcessedEvent.payload),
                col(ProcessedEvent.attempts),
                col(ProcessedEvent.received_at),
            )
        )
        with self.session() as session:
            row = session.exec(statement).first()
        if row is None:
            return None
        return Claimed(str(row[0]), str(row[1]), dict(row[2] or {}), int(row[3]), row[4])

    def renew_leases(self, event_ids: Sequence[str], *, lease_s: float) -> int:
        """Extend the lease of events this worker still holds; how many were renewed."""
        if not event_ids:
            return 0
        statement = (
            update(ProcessedEvent)
            .where(
                col(ProcessedEvent.event_id).in_(tuple(event_ids)),
                col(ProcessedEvent.status) == "processing",
            )
            .values(lease_until=self.now() + timedelta(seconds=lease_s))
        )
        with self.session() as session:
            return int(session.exec(statement).rowcount)

    def event_backlog(self) -> Backlog:
        """How many events are due for a worker, being worked on, and backing off to retry."""
        later = and_(
            col(ProcessedEvent.status) == "received",
            col(ProcessedEvent.lease_until).is_not(None),
            col(ProcessedEvent.lease_until) >= self.now(),
        )
        bucket = case((later, "retrying"), else_=col(ProcessedEvent.status))
        query = (
            select(bucket, func.count())
            .where(col(ProcessedEvent.status).in_(UNFINISHED))
            .group_by(bucket)
        )
        with self.session() as session:
            counts = {str(name): int(count) for name, count in session.exec(query).all()}
        return Backlog(
            counts.get("received", 0), counts.get("processing", 0), counts.get("retrying", 0)
        )

    @staticmethod
    def _due(now: datetime, stale_before: datetime | None) -> Any:
        expired = and_(
            col(ProcessedEvent.status) == "processing",
            col(ProcessedEvent.lease_until) < as_utc(now),
        )
        waiting = and_(
            col(ProcessedEvent.status) == "received",
            or_(
                col(ProcessedEvent.lease_until).is_(None),
                col(ProcessedEvent.lease_until) < as_utc(now),
            ),
        )
        conditions = [waiting, expired]
        if stale_before is not None:  # rows from before leases existed
            conditions.append(
                and_(
                    col(ProcessedEvent.status) == "processing",
                    col(ProcessedEvent.lease_until).is_(None),
                    col(ProcessedEvent.started_at) < as_utc(stale_before),
                )
            )
        return or_(*conditions)
