"""Verified answers: the owner-approved answers served before any provider is asked."""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import VerifiedAnswer
from storage.queries.base import StoreBase


class VerifiedQueries(StoreBase):
    """Read queries on `verified_answer`."""

    def active_verified_answers(self) -> list[VerifiedAnswer]:
        """Every active verified answer, oldest first (the matcher picks the best one)."""
        with self.session() as session:
            query = (
                select(VerifiedAnswer)
                .where(col(VerifiedAnswer.active).is_(True))
                .order_by(col(VerifiedAnswer.id))
            )
            return list(session.exec(query).all())
