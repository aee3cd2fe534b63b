"""Feedback: votes (one per user per answer), corrections and reports (one per submission)."""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import Feedback
from storage.queries.base import StoreBase


def vote_key(answer_id: int, user_id: str) -> str:
    """The dedupe key shared by every way of voting (button, reaction) on one answer."""
    return f"vote:{answer_id}:{user_id}"


class FeedbackQueries(StoreBase):
    """Queries on `feedback`."""

    def record_vote(
        self, *, answer_id: int, user_id: str, kind: str, source: str
    ) -> tuple[Feedback, bool]:
        """Store or change a user's thumbs on an answer. Returns (row, changed)."""
        key = vote_key(answer_id, user_id)
        now = self.now()
        row = Feedback(
            answer_id=answer_id,
            user_id=user_id,
            kind=kind,
            source=source,
            dedupe_key=key,
            created_at=now,
            updated_at=now,
        )
        if self.try_insert(row):
            return row, True
        with self.session() as session:
            existing = session.exec(select(Feedback).where(Feedback.dedupe_key == key)).one()
            changed = existing.kind != kind
            if changed:
                existing.kind, existing.source, existing.updated_at = kind, source, now
                # The reason and link explained the old vote, not this one.
                existing.reason = existing.text = existing.source_link = None
                session.add(existing)
                session.flush()
                session.refresh(existing)
            return existing, changed

    def retract_vote(self, *, answer_id: int, user_id: str, kind: str, source: str) -> bool:
        """Remove a vote made through `source` (e.g. a reaction that was taken back)."""
        with self.session() as session:
            existing = session.exec(
                select(Feedback).where(Feedback.dedupe_key == vote_key(answer_id, user_id))
            ).one_or_none()
            if existing is None or existing.kind != kind or existing.source != source:
                return False
            session.delete(existing)
            return True

    def add_submission(
        self,
        *,
        answer_id: int,
        user_id: str,
        kind: str,
        source: str,
        dedupe_key: str,
        reason: str | None = None,
        text: str | None = None,
        source_link: str | None = None,
    ) -> tuple[Feedback, bool]:
        """Store a correction or report once per submission key. Returns (row, created)."""
        now = self.now()
        row = Feedback(
            answer_id=answer_id,
            user_id=user_id,
            kind=kind,
            reason=reason,
            text=text,
            source_link=source_link,
            source=source,
            dedupe_key=dedupe_key,
            created_at=now,
            updated_at=now,
        )
        return self.insert_once(row, select(Feedback).where(Feedback.dedupe_key == dedupe_key))

    def feedback_for_answer(self, answer_id: int) -> list[Feedback]:
        """All feedback on one answer, oldest first."""
        with self.session() as session:
            query = (
                select(Feedback).where(Feedback.answer_id == answer_id).order_by(col(Feedback.id))
            )
            return list(session.exec(query).all())

    def feedback_by_user(self, user_id: str, limit: int = 20) -> list[Feedback]:
        """A person's most recent feedback, newest first (App Home)."""
        with self.session() as session:
            query = (
                select(Feedback)
                .where(Feedback.user_id == user_id)
                .order_by(col(Feedback.id).desc())
                .limit(limit)
            )
            return list(session.exec(query).all())
