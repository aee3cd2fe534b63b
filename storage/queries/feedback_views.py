"""Feedback read models and the writes around it: annotations, urgent pings, Home, export."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.models import Answer, Feedback, Owner, Question, Theme, UrgentPing
from storage.queries.base import StoreBase
from storage.queries.feedback import vote_key

ExportRow = tuple[Feedback, Answer, Question]
StatusRow = tuple[Feedback, str, Theme | None]


class FeedbackViewQueries(StoreBase):
    """Queries used by the feedback flow, the App Home and `lastmile export`."""

    def annotate_vote(
        self, *, answer_id: int, user_id: str, reason: str | None, source_link: str | None
    ) -> Feedback | None:
        """Attach a reason (and source) to a user's thumbs down; None if it is not a down vote."""
        with self.session() as session:
            query = select(Feedback).where(Feedback.dedupe_key == vote_key(answer_id, user_id))
            row = session.exec(query).one_or_none()
            if row is None or row.kind != "down":
                return None
            row.reason, row.source_link, row.updated_at = reason, source_link, self.now()
            session.add(row)
            session.flush()
            session.refresh(row)
            return row

    def count_feedback(self, answer_id: int, kind: str) -> int:
        """How many feedback rows of one kind an answer has."""
        with self.session() as session:
            query = select(func.count()).where(
                Feedback.answer_id == answer_id, Feedback.kind == kind
            )
            return int(session.exec(query).one())

    def claim_urgent_ping(
        self, *, answer_id: int, owner_id: int | None, reason: str, interval_s: int
    ) -> bool:
        """Reserve the one urgent ping for an answer, at most one per owner per interval."""
        now = self.now()
        try:
            with self.session() as session:
                if owner_id is not None:  # serialize pings to one owner across replicas
                    session.exec(select(Owner).where(Owner.id == owner_id).with_for_update())
                recent = select(UrgentPing.id).where(
                    UrgentPing.owner_id == owner_id,
                    UrgentPing.created_at > now - timedelta(seconds=interval_s),
                )
                if session.exec(recent).first() is not None:
                    return False
                session.add(
                    UrgentPing(
                        answer_id=answer_id,
                        owner_id=owner_id,
                        reason=reason,
                        created_at=now,
                        sent_at=now,
                    )
                )
            return True
        except IntegrityError:
            return False

    def owners_for_member(self, user_id: str) -> list[Owner]:
        """Owners this Slack user acts for (their slack_id, or listed in members)."""
        with self.session() as session:
            owners = session.exec(select(Owner).order_by(col(Owner.id))).all()
        return [o for o in owners if user_id == o.slack_id or user_id in o.members]

    def owners_in_order(self) -> list[Owner]:
        """Every owner, in creation order."""
        with self.session() as session:
            return list(session.exec(select(Owner).order_by(col(Owner.id))).all())

    def feedback_with_status(self, user_id: str, limit: int = 10) -> list[StatusRow]:
        """A person's recent feedback with the question asked and the theme it landed in."""
        with self.session() as session:
            query = (
                select(Feedback, Question.text, Theme)
                .join(Answer, col(Answer.id) == col(Feedback.answer_id))
                .join(Question, col(Question.id) == col(Answer.question_id))
                .join(Theme, col(Theme.id) == col(Feedback.theme_id), isouter=True)
                .where(Feedback.user_id == user_id)
                .order_by(col(Feedback.id).desc())
                .limit(limit)
            )
            return [(f, q, t) for f, q, t in session.exec(query).all()]

    def week_counts(self, since: datetime) -> dict[str, int]:
        """Questions, answers and feedback by kind since a moment."""
        with self.session() as session:
            questions = session.exec(
                select(func.count()).where(col(Question.created_at) >= since)
            ).one()
            answers = session.exec(
                select(func.count()).where(col(Answer.created_at) >= since)
            ).one()
            kinds = session.exec(
                select(Feedback.kind, func.count())
                .where(col(Feedback.created_at) >= since)
                .group_by(col(Feedback.kind))
            ).all()
        counts = {"questions": int(questions), "answers": int(answers)}
        counts.update({kind: int(n) for kind, n in kinds})
        return counts

    def open_themes(self, owner_ids: list[int], limit: int = 5) -> list[tuple[Theme, int]]:
        """An owner's open themes with their feedback counts, biggest first."""
        with self.session() as session:
            query = (
                select(Theme, func.count(col(Feedback.id)))
                .join(Feedback, col(Feedback.theme_id) == col(Theme.id), isouter=True)
                .where(col(Theme.owner_id).in_(owner_ids), Theme.status == "open")
                .group_by(col(Theme.id))
                .order_by(func.count(col(Feedback.id)).desc(), col(Theme.id))
                .limit(limit)
            )
            return [(theme, int(n)) for theme, n in session.exec(query).all()]

    def export_rows(
        self, *, since: datetime | None = None, kind: str | None = None
    ) -> list[ExportRow]:
        """Feedback joined to its answer and question, oldest first (for `lastmile export`)."""
        query = (
            select(Feedback, Answer, Question)
            .join(Answer, col(Answer.id) == col(Feedback.answer_id))
            .join(Question, col(Question.id) == col(Answer.question_id))
            .order_by(col(Feedback.id))
        )
        if since is not None:
            query = query.where(col(Feedback.created_at) >= since)
        if kind is not None:
            query = query.where(Feedback.kind == kind)
        with self.session() as session:
            return [(f, a, q) for f, a, q in session.exec(query).all()]

    def themes_by_id(self, theme_ids: set[int]) -> dict[int, Theme]:
        """Themes by id (for export's owner filter)."""
        if not theme_ids:
            return {}
        with self.session() as session:
            rows = session.exec(select(Theme).where(col(Theme.id).in_(theme_ids))).all()
        return {t.id: t for t in rows if t.id is not None}
