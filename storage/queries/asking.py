"""Lookups the asking flow needs beyond `AnswerQueries`: has this question been answered yet?"""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import Answer
from storage.queries.base import StoreBase


class AskingQueries(StoreBase):
    """Queries on `answer` used when an event is processed again (redelivery, crash resume)."""

    def answer_for_question(self, question_id: int) -> Answer | None:
        """The latest answer stored for a question, or None while it is still unanswered."""
        with self.session() as session:
            query = (
                select(Answer)
                .where(Answer.question_id == question_id)
                .order_by(col(Answer.id).desc())
                .limit(1)
            )
            return session.exec(query).first()
