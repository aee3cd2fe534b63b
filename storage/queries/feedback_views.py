"""Feedback read models and the writes around it: annotations, urgent pings, Home, export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, or_
from sqlmodel import col, select

from storage.models import (
    Answer,
    Feedback,
    FixCheck,
    FixNotice,
    Owner,
    Question,
    Theme,
)
from storage.queries.base import StoreBase
from storage.queries.feedback import vote_key
from storage.queries.owners import REMOVED

ExportRow = tuple[Feedback, Answer, Question]


class StatusRow(NamedTuple):
    """One of a person's flags with its question (text, channel) and the theme it landed in."""

    feedback: Feedback
    question: str
    channel_id: str
    theme: Theme | None


class LatestFix(NamedTuple):
    """A theme's latest confirmed fix check and the notice one person got from it, if any."""

    check: FixCheck
    notice: FixNotice | None


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

    def owners_for_member(self, user_id: str) -> list[Owner]:
        """Active owners this Slack user acts for (their slack_id, or listed in members)."""
        query = select(Owner).where(Owner.slack_id != REMOVED).order_by(col(Owner.id))
        with self.session() as session:
            owners = session.exec(query).all()
        return [o for o in owners if user_id == o.slack_id or user_id in o.members]

    def owners_in_order(self) -> list[Owner]:
        """Every owner, in creation order."""
        with self.session() as session:
            return list(session.exec(select(Owner).order_by(col(Owner.id))).all())

    def feedback_with_status(self, user_id: str, limit: int = 10) -> list[StatusRow]:
        """A person's recent feedback with the question asked and the theme it landed in."""
        with self.session() as session:
            query = (
                select(Feedback, Question.text, Question.channel_id, Theme)
                .join(Answer, col(Answer.id) == col(Feedback.answer_id))
                .join(Question, col(Question.id) == col(Answer.question_id))
                .join(Theme, col(Theme.id) == col(Feedback.theme_id), isouter=True)
                .where(Feedback.user_id == user_id)
                .order_by(col(Feedback.id).desc())
                .limit(limit)
            )
            return [StatusRow(f, q, ch, t) for f, q, ch, t in session.exec(query).all()]

    def latest_fixes_for(self, user_id: str, theme_ids: Sequence[int]) -> dict[int, LatestFix]:
        """Per theme: its latest confirmed fix check, and what it told `user_id` (None: nothing)."""
        if not theme_ids:
            return {}
        query = (
            select(FixCheck)
            .where(col(FixCheck.theme_id).in_(list(theme_ids)))
            .where(col(FixCheck.confirmed_at).is_not(None))
            .order_by(col(FixCheck.confirmed_at), col(FixCheck.id))
        )
        with self.session() as session:
            latest = {check.theme_id: check for check in session.exec(query).all()}
            check_ids = [check.id for check in latest.values()]
            notices = session.exec(
                select(FixNotice).where(
                    col(FixNotice.fix_check_id).in_(check_ids), FixNotice.user_id == user_id
                )
            ).all()
        told = {notice.fix_check_id: notice for notice in notices}
        return {
            theme_id: LatestFix(check, told.get(check.id or 0))
            for theme_id, check in latest.items()
        }

    def open_themes(self, owner_ids: list[int], limit: int = 5) -> list[tuple[Theme, int]]:
        """An owner's open themes, not snoozed, with their feedback counts, biggest first."""
        awake = or_(col(Theme.snoozed_until).is_(None), col(Theme.snoozed_until) <= self.now())
        with self.session() as session:
            query = (
                select(Theme, func.count(col(Feedback.id)))
                .join(Feedback, col(Feedback.theme_id) == col(Theme.id), isouter=True)
                .where(col(Theme.owner_id).in_(owner_ids), Theme.status == "open", awake)
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
