"""What the Slack transport needs beyond events.py: a readiness probe and a retry hand-back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from storage.models import ProcessedEvent
from storage.queries.base import StoreBase


class TransportQueries(StoreBase):
    """Health of the database and returning a failed event to the queue."""

    def database_ok(self) -> bool:
        """True when the database answers a trivial query (for /readyz)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def release_event(self, event_id: str, *, retry_after_s: float | None = None) -> None:
        """Put an event a worker gave up on back to `received`, so a worker retries it.

        With `retry_after_s`, no worker takes it before then (a backoff after a failure).
        """
        not_before = None
        if retry_after_s is not None:
            not_before = self.now() + timedelta(seconds=retry_after_s)
        statement = (
            update(ProcessedEvent)
            .where(
                col(ProcessedEvent.event_id) == event_id,
                col(ProcessedEvent.status) == "processing",
            )
            .values(status="received", started_at=None, lease_until=not_before)
        )
        with self.session() as session:
            session.exec(statement)
