"""Shared plumbing for the query groups: sessions, the clock, UTC handling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel
from sqlmodel.sql.expression import SelectOfScalar

Clock = Callable[[], datetime]
RowT = TypeVar("RowT", bound=SQLModel)


def utc_now() -> datetime:
    """The real clock (aware UTC)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class StoreBase:
    """Holds the engine and the clock; hands out sessions."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def now(self) -> datetime:
        """The injected clock's time, aware UTC (the form every table stores)."""
        return as_utc(self.clock())

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def try_insert(self, row: SQLModel) -> bool:
        """Insert `row` (refreshed with its id); False when a unique key already holds one."""
        try:
            with self.session() as session:
                session.add(row)
                session.flush()
                session.refresh(row)
        except IntegrityError:
            return False
        return True

    def insert_once(self, row: RowT, existing: SelectOfScalar[RowT]) -> tuple[RowT, bool]:
        """Insert `row`, or when a unique key holds one already, the row `existing` selects.

        Returns (row, created). Replicas racing on the same key all get the one stored row.
        """
        if self.try_insert(row):
            return row, True
        with self.session() as session:
            return session.exec(existing).one(), False
