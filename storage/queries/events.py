"""Processed Slack events: claim once across replicas, resume what a crash left behind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.engine import SQLITE_BUSY_TIMEOUT_MS
from storage.models import ProcessedEvent
from storage.queries.base import StoreBase, as_utc


class EventQueries(StoreBase):
    """Queries on `processed_event`. Statuses: received -> processing -> done | failed.

    Only `received` and `processing` rows keep their payload (handlers/resume.py needs it).
    """

    def claim_event(
        self,
        event_id: str,
        kind: str,
        payload: dict[str, Any],
        *,
        lock_wait_ms: int | None = None,
    ) -> bool:
        """Record a delivery; False when any replica already recorded this event id.

        `lock_wait_ms` bounds how long SQLite waits for another writer's lock (the ack path
        must answer within Slack's 3 s; a timeout raises OperationalError, answered 503).
        """
        if lock_wait_ms is not None and self.dialect == "sqlite":
            return self._claim_within(event_id, kind, payload, lock_wait_ms)
        row = ProcessedEvent(event_id=event_id, kind=kind, payload=payload, received_at=self.now())
        try:
            with self.session() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    def _claim_within(
        self, event_id: str, kind: str, payload: dict[str, Any], lock_wait_ms: int
    ) -> bool:
        """`claim_event` on SQLite with this connection's busy timeout set to `lock_wait_ms`."""
        values = {
            "event_id": event_id,
            "kind": kind,
            "payload": payload,
            "received_at": self.now(),
            "status": "received",
            "attempts": 0,
        }
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(lock_wait_ms)}")
            try:
                connection.execute(insert(ProcessedEvent).values(**values))
                connection.commit()
            except IntegrityError:
                return False
            finally:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                connection.commit()
        return True

    def take_event(self, event_id: str, stale_before: datetime | None = None) -> bool:
        """Atomically move an event to `processing`; True for exactly one taker.

        An event stuck in `processing` since before `stale_before` (its worker died) can be
        taken again.
        """
        waiting = col(ProcessedEvent.status) == "received"
        if stale_before is not None:
            processing = col(ProcessedEvent.status) == "processing"
            stale = (
                processing
                & col(ProcessedEvent.lease_until).is_(None)
                & (col(ProcessedEvent.started_at) < as_utc(stale_before))
            )
            expired = processing & (col(ProcessedEvent.lease_until) < self.now())
            waiting = or_(waiting, stale, expired)
        statement = (
            update(ProcessedEvent)
            .where(col(ProcessedEvent.event_id) == event_id, waiting)
            .values(
                status="processing",
                started_at=self.now(),
                attempts=col(ProcessedEvent.attempts) + 1,
            )
        )
        with self.session() as session:
            result = session.exec(statement)
            return bool(result.rowcount == 1)

    def finish_event(self, event_id: str, status: str = "done") -> None:
        """Mark an event handled (`done`, `ignored`) or given up on (`failed`).

        Its raw payload (a DM's text, say) is dropped in the same update: only an unfinished
        event is ever re-dispatched from it. The row stays, so a redelivery is still a no-op
        until retention deletes it (bot/retention.py).
        """
        statement = (
            update(ProcessedEvent)
            .where(col(ProcessedEvent.event_id) == event_id)
            .values(status=status, finished_at=self.now(), payload={})
        )
        with self.session() as session:
            session.exec(statement)

    def get_event(self, event_id: str) -> ProcessedEvent | None:
        """One recorded event, or None."""
        with self.session() as session:
            query = select(ProcessedEvent).where(ProcessedEvent.event_id == event_id)
            return session.exec(query).one_or_none()

    def unfinished_events(self, limit: int = 100) -> list[ProcessedEvent]:
        """Events accepted but not finished (a crash after the ack), oldest first."""
        with self.session() as session:
            query = (
                select(ProcessedEvent)
                .where(col(ProcessedEvent.status).in_(("received", "processing")))
                .order_by(col(ProcessedEvent.id))
                .limit(limit)
            )
            return list(session.exec(query).all())

    def last_received(self, kind: str) -> datetime | None:
        """When an event of `kind` last arrived (kept as long as event ids are: 7 days)."""
        with self.session() as session:
            query = select(func.max(ProcessedEvent.received_at)).where(ProcessedEvent.kind == kind)
            latest = session.exec(query).one_or_none()
        return as_utc(latest) if latest is not None else None
