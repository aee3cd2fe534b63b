"""Themes that persist across weeks, and what owners do with them from the digest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import col, select

from bot.vocabulary import FAILURE_KINDS
from storage.models import Answer, Feedback, Question, Theme, VerifiedAnswer
from storage.queries.base import StoreBase


class ThemeQueries(StoreBase):
    """Queries on `theme`, theme membership of feedback, and approving corrections."""

    def themes_for_owner(self, owner_id: int) -> list[Theme]:
        """Every theme of one owner, oldest first (fixed and snoozed ones included)."""
        query = select(Theme).where(Theme.owner_id == owner_id).order_by(col(Theme.id))
        with self.session() as session:
            return list(session.exec(query).all())

    def open_theme_reports(self, since: datetime) -> list[tuple[int, str, int | None, str, str]]:
        """(theme id, label, owner id, question, who flagged) of each failure since `since` in a
        theme that is open and not snoozed now: what the known-issue warning matches to."""
        now = self.now()
        query = (
            sa_select(
                col(Theme.id),
                col(Theme.label),
                col(Theme.owner_id),
                col(Question.text),
                col(Feedback.user_id),
            )  # fmt: skip
            .join(Feedback, col(Feedback.theme_id) == col(Theme.id))
            .join(Answer, col(Answer.id) == col(Feedback.answer_id))
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(col(Theme.status) == "open")
            .where(col(Theme.snoozed_until).is_(None) | (col(Theme.snoozed_until) < now))
            .where(col(Feedback.kind).in_(FAILURE_KINDS))
            .where(col(Feedback.created_at) >= since)
        )
        with self.session() as session:
            rows = session.execute(query)
            return [(int(t or 0), label, owner, text, user) for t, label, owner, text, user in rows]

    def get_theme(self, theme_id: int) -> Theme | None:
        """One theme by id."""
        with self.session() as session:
            return session.get(Theme, theme_id)

    def save_theme(self, theme: Theme) -> Theme:
        """Insert or update a theme; returns it with its id."""
        with self.session() as session:
            merged = session.merge(theme)
            session.flush()
            session.refresh(merged)
            return merged

    def tag_feedback(self, theme_id: int, feedback_ids: Sequence[int]) -> None:
        """Record that these failures belong to a theme (Feedback.theme_id)."""
        if not feedback_ids:
            return
        with self.session() as session:
            session.exec(
                update(Feedback)
                .where(col(Feedback.id).in_(list(feedback_ids)))
                .values(theme_id=theme_id)
            )

    def mark_theme_fixed(self, theme_id: int, *, by: str) -> bool:
        """Set status fixed and fixed_at now. False if it was already fixed (a double click)."""
        now = self.now()
        with self.session() as session:
            result = session.exec(
                update(Theme)
                .where(col(Theme.id) == theme_id, col(Theme.status) != "fixed")
                .values(
                    status="fixed",
                    fixed_at=now,
                    fixed_by=by,
                    snoozed_until=None,
                    status_by=by,
                    status_at=now,
                )  # fmt: skip
            )
            return bool(result.rowcount)

    def reopen_theme(self, theme_id: int) -> bool:
        """A fixed theme failed again: back to open, `fixed_at` kept so digests show it regressed.

        False when it was not fixed (already reopened: a second flag tells nobody twice).
        """
        with self.session() as session:
            result = session.exec(
                update(Theme)
                .where(col(Theme.id) == theme_id, col(Theme.status) == "fixed")
                .values(status="open")
            )
            return bool(result.rowcount)

    def assign_theme(self, theme_id: int, assignee: str) -> None:
        """Set who works on a theme."""
        with self.session() as session:
            session.exec(update(Theme).where(col(Theme.id) == theme_id).values(assignee=assignee))

    def mark_theme_wont_fix(self, theme_id: int, *, by: str, reason: str | None) -> bool:
        """An owner decides not to fix an open theme; False when it was not open."""
        values = {"status": "wont_fix", "wont_fix_reason": reason, "snoozed_until": None}
        return self._set_status(theme_id, "open", values, by=by)

    def undo_theme_status(self, theme_id: int, undone: str, *, by: str) -> bool:
        """Undo fixed or won't fix: open again, as if it never happened; False if not `undone`.

        Unlike a regression (reopen_theme) `fixed_at` goes too: the fix was a mistake, not a
        fix that broke, so the next digest does not call it regressed.
        """
        values = {"status": "open", "wont_fix_reason": None, "fixed_at": None, "fixed_by": None}
        return self._set_status(theme_id, undone, values, by=by)

    def _set_status(
        self, theme_id: int, current: str, values: Mapping[str, object], *, by: str
    ) -> bool:
        with self.session() as session:
            result = session.exec(
                update(Theme)
                .where(col(Theme.id) == theme_id, col(Theme.status) == current)
                .values(**values, status_by=by, status_at=self.now())
            )
            return bool(result.rowcount)

    def verified_from_correction(self, feedback_id: int) -> VerifiedAnswer | None:
        """The verified answer approved from this correction, active or retired."""
        query = select(VerifiedAnswer).where(VerifiedAnswer.source_feedback_id == feedback_id)
        with self.session() as session:
            return session.exec(query).first()

    def reactivate_verified(self, verified_id: int, *, answer: str, by: str) -> bool:
        """Serve a retired verified answer again (approved after an undo), with the new text."""
        now = self.now()
        with self.session() as session:
            result = session.exec(
                update(VerifiedAnswer)
                .where(col(VerifiedAnswer.id) == verified_id, col(VerifiedAnswer.active).is_(False))
                .values(
                    active=True,
                    answer=answer.strip(),
                    retired_at=None,
                    updated_by=by,
                    approved_by=by,
                    checked_at=now,
                    review_asked_at=None,
                )  # fmt: skip
            )
            return bool(result.rowcount)

    def snooze_theme(self, theme_id: int, until: datetime) -> None:
        """Hide a theme from digests whose period ends on or before `until`."""
        with self.session() as session:
            session.exec(update(Theme).where(col(Theme.id) == theme_id).values(snoozed_until=until))

    def approved_feedback_ids(self, feedback_ids: Sequence[int]) -> set[int]:
        """Which of these corrections already became verified answers."""
        if not feedback_ids:
            return set()
        query = select(VerifiedAnswer.source_feedback_id).where(
            col(VerifiedAnswer.source_feedback_id).in_(list(feedback_ids))
        )
        with self.session() as session:
            return {int(found) for found in session.exec(query) if found is not None}

    def get_feedback(self, feedback_id: int) -> Feedback | None:
        """One feedback row by id."""
        with self.session() as session:
            return session.get(Feedback, feedback_id)

    def approve_correction(
        self, feedback_id: int, *, approved_by: str, approved_by_name: str = ""
    ) -> tuple[VerifiedAnswer, bool] | None:
        """Turn a correction into an active VerifiedAnswer once. (row, created) or None."""
        with self.session() as session:
            feedback = session.get(Feedback, feedback_id)
            if feedback is None or feedback.kind != "correction" or not feedback.text:
                return None
            question = session.exec(
                select(Question.text)
                .join(Answer, col(Answer.question_id) == col(Question.id))
                .where(Answer.id == feedback.answer_id)
            ).one()
        row = VerifiedAnswer(
            question=question,
            answer=feedback.text,
            approved_by=approved_by,
            approved_by_name=approved_by_name,
            source_feedback_id=feedback_id,
            theme_id=feedback.theme_id,
            created_at=self.now(),
        )
        existing = select(VerifiedAnswer).where(VerifiedAnswer.source_feedback_id == feedback_id)
        return self.insert_once(row, existing)
