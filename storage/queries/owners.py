"""Owners: upsert by name, list in a stable order, and the single default owner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Owner
from storage.queries.base import StoreBase

REMOVED = ""
"""The slack_id of a removed owner: it has nowhere to post, so it is skipped everywhere."""


class OwnerFields(Protocol):
    """Anything shaped like an owners-file entry (bot.owners.OwnerSpec)."""

    @property
    def name(self) -> str: ...
    @property
    def slack_id(self) -> str: ...
    @property
    def channels(self) -> Sequence[str]: ...
    @property
    def topics(self) -> Sequence[str]: ...
    @property
    def members(self) -> Sequence[str]: ...
    @property
    def member_groups(self) -> Sequence[str]: ...
    @property
    def helpers(self) -> str | None: ...
    @property
    def is_default(self) -> bool: ...


class OwnerQueries(StoreBase):
    """Queries on `owner`."""

    def list_owners(self) -> list[Owner]:
        """Every active owner, oldest first (routing order); removed owners are left out."""
        query = select(Owner).where(Owner.slack_id != REMOVED).order_by(col(Owner.id))
        with self.session() as session:
            return list(session.exec(query).all())

    def get_owner(self, owner_id: int) -> Owner | None:
        """One owner by id."""
        with self.session() as session:
            return session.get(Owner, owner_id)

    def owner_by_name(self, name: str) -> Owner | None:
        """One owner by its unique name."""
        with self.session() as session:
            return session.exec(select(Owner).where(Owner.name == name)).one_or_none()

    def upsert_owner(self, spec: OwnerFields) -> Owner:
        """Create or update the owner called `spec.name`; a new default unsets the old one."""
        try:
            with self.session() as session:
                session.add(Owner(name=spec.name, slack_id=spec.slack_id, created_at=self.now()))
        except IntegrityError:
            pass  # already there (maybe another replica synced the same file at start)
        with self.session() as session:
            row = session.exec(select(Owner).where(Owner.name == spec.name)).one()
            row.slack_id = spec.slack_id
            row.channels, row.topics = list(spec.channels), list(spec.topics)
            row.members, row.is_default = list(spec.members), spec.is_default
            row.member_groups = list(spec.member_groups)
            row.helpers = spec.helpers
            if spec.is_default:
                self._clear_default(session, keep=row.id)
            session.add(row)
            session.flush()
            session.refresh(row)
            return row

    def remove_owner(self, name: str) -> bool:
        """Retire an owner: no more routing or digests; its history stays. True if found."""
        with self.session() as session:
            row = session.exec(select(Owner).where(Owner.name == name)).one_or_none()
            if row is None:
                return False
            # Themes and digest runs keep their history: the owner is renamed out of the way
            # and stripped of scopes rather than deleted, so foreign keys stay valid.
            row.name = f"{row.name} (removed #{row.id})"
            row.slack_id = REMOVED
            row.channels, row.topics, row.members, row.is_default = [], [], [], False
            row.member_groups = []
            session.add(row)
            return True

    def set_default_owner(self, name: str) -> bool:
        """Make `name` the one default owner. False if there is no such owner."""
        with self.session() as session:
            row = session.exec(select(Owner).where(Owner.name == name)).one_or_none()
            if row is None:
                return False
            self._clear_default(session, keep=row.id)
            row.is_default = True
            session.add(row)
            return True

    @staticmethod
    def _clear_default(session: Session, keep: int | None) -> None:
        session.exec(update(Owner).where(col(Owner.id) != keep).values(is_default=False))
