"""Verified answers: the owner-approved answers served before any provider is asked.

Each holds one or more wordings of its question (`verified_question_variant`); the matcher reads
them all. Owners edit, keep (review again later) and retire them; retired ones are never served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select, update

from bot.vocabulary import FAILURE_KINDS, OWNER_ANSWER_SOURCE, FeedbackKind, VariantSource
from storage.models import (
    Answer,
    Feedback,
    Question,
    Theme,
    VerifiedAnswer,
    VerifiedQuestionVariant,
)
from storage.queries.base import StoreBase


def variant_key(question: str) -> str:
    """One key per wording: case and spacing don't make a new variant."""
    return hashlib.sha256(" ".join(question.lower().split()).encode()).hexdigest()


class VerifiedQueries(StoreBase):
    """Queries on `verified_answer` and `verified_question_variant`."""

    def active_verified_answers(self) -> list[VerifiedAnswer]:
        """Every active verified answer, oldest first (the matcher picks the best one)."""
        with self.session() as session:
            query = (
                select(VerifiedAnswer)
                .where(col(VerifiedAnswer.active).is_(True))
                .order_by(col(VerifiedAnswer.id))
            )
            return list(session.exec(query).all())

    def get_verified(self, verified_id: int) -> VerifiedAnswer | None:
        """One verified answer by id."""
        with self.session() as session:
            return session.get(VerifiedAnswer, verified_id)

    def verified_variants(self, verified_ids: Sequence[int]) -> dict[int, list[str]]:
        """Each verified answer's wordings, oldest first."""
        if not verified_ids:
            return {}
        query = (
            select(VerifiedQuestionVariant)
            .where(col(VerifiedQuestionVariant.verified_answer_id).in_(list(verified_ids)))
            .order_by(col(VerifiedQuestionVariant.id))
        )
        found: dict[int, list[str]] = {}
        with self.session() as session:
            for row in session.exec(query):
                found.setdefault(row.verified_answer_id, []).append(row.question)
        return found

    def add_verified_variant(
        self,
        verified_id: int,
        question: str,
        *,
        source: str = VariantSource.CONFIRMED,
        added_by: str = "",
    ) -> bool:
        """Add one wording to a verified answer; False when it already has it (or is unknown)."""
        text = question.strip()
        if not text or self.get_verified(verified_id) is None:
            return False
        row = VerifiedQuestionVariant(
            verified_answer_id=verified_id,
            question=text,
            key=variant_key(text),
            source=source,
            added_by=added_by,
            created_at=self.now(),
        )
        return self.try_insert(row)

    def theme_flagged_questions(self, theme_id: int, *, limit: int = 10) -> list[str]:
        """The distinct questions whose answers were flagged in a theme, most flagged first."""
        flags = func.count(col(Feedback.id))
        query = (
            select(Question.text, flags)
            .join(Answer, col(Answer.question_id) == col(Question.id))
            .join(Feedback, col(Feedback.answer_id) == col(Answer.id))
            .where(Feedback.theme_id == theme_id, col(Feedback.kind).in_(FAILURE_KINDS))
            .group_by(col(Question.text))
            .order_by(flags.desc(), col(Question.text))
        )
        seen: dict[str, str] = {}
        with self.session() as session:
            for text, _ in session.exec(query):
                seen.setdefault(variant_key(text), text)
        return list(seen.values())[:limit]

    def approve_verified(
        self,
        feedback_id: int,
        *,
        answer: str,
        variants: Sequence[str],
        approved_by: str,
        approved_by_name: str = "",
        owner_id: int | None = None,
    ) -> tuple[VerifiedAnswer, bool] | None:
        """Turn a correction into a verified answer with the owner's text and ticked wordings.

        (row, created), or None when the feedback is not a correction. A second submission of
        the same correction keeps the first verified answer (unique on the feedback id).
        `owner_id` reviews it when the correction has no theme (an owner's own answer).
        """
        with self.session() as session:
            feedback = session.get(Feedback, feedback_id)
            if feedback is None or feedback.kind != "correction" or not answer.strip():
                return None
            question = session.exec(
                select(Question.text)
                .join(Answer, col(Answer.question_id) == col(Question.id))
                .where(Answer.id == feedback.answer_id)
            ).one()
            theme = session.get(Theme, feedback.theme_id) if feedback.theme_id else None
        now = self.now()
        row = VerifiedAnswer(
            question=question,
            answer=answer.strip(),
            approved_by=approved_by,
            approved_by_name=approved_by_name,
            source_feedback_id=feedback_id,
            theme_id=feedback.theme_id,
            owner_id=theme.owner_id if theme else owner_id,
            created_at=now,
            checked_at=now,
        )
        existing = select(VerifiedAnswer).where(VerifiedAnswer.source_feedback_id == feedback_id)
        verified, created = self.insert_once(row, existing)
        if created and verified.id is not None:
            self.add_verified_variant(verified.id, question, source=VariantSource.APPROVED,
                                      added_by=approved_by)  # fmt: skip
            for text in variants:
                self.add_verified_variant(verified.id, text, source=VariantSource.THEME,
                                          added_by=approved_by)  # fmt: skip
        return verified, created

    def record_owner_answer(self, answer_id: int, *, user_id: str, text: str) -> Feedback:
        """An owner's answer to an unflagged failure, kept as a correction (so it is approved
        like one) that no failure count includes (OWNER_ANSWER_SOURCE). One per answer: a
        second proposal returns the first row, with its text replaced."""
        now = self.now()
        key = f"owner-answer:{answer_id}"
        row = Feedback(
            answer_id=answer_id, user_id=user_id, kind=FeedbackKind.CORRECTION.value,
            text=text.strip(), source=OWNER_ANSWER_SOURCE, dedupe_key=key, created_at=now,
            updated_at=now,
        )  # fmt: skip
        stored, created = self.insert_once(row, select(Feedback).where(Feedback.dedupe_key == key))
        if not created:
            with self.session() as session:
                session.exec(
                    update(Feedback)
                    .where(col(Feedback.id) == stored.id)
                    .values(text=text.strip(), user_id=user_id, updated_at=now)
                )
                stored = session.get(Feedback, stored.id) or stored
        return stored

    def owner_verified_answers(self, owner_ids: Sequence[int] | None) -> list[VerifiedAnswer]:
        """Active verified answers of these owners (None: everyone's), newest first."""
        query = select(VerifiedAnswer).where(col(VerifiedAnswer.active).is_(True))
        if owner_ids is not None:
            query = query.where(col(VerifiedAnswer.owner_id).in_(list(owner_ids)))
        with self.session() as session:
            return list(session.exec(query.order_by(col(VerifiedAnswer.id).desc())).all())

    def edit_verified(self, verified_id: int, *, answer: str, by: str) -> bool:
        """Replace the served text; an edit is a check, so the review clock restarts."""
        now = self.now()
        change = {"answer": answer.strip(), "checked_at": now, "review_asked_at": None}
        return self._update_active(verified_id, change | {"updated_by": by})

    def keep_verified(self, verified_id: int, *, by: str) -> bool:
        """The owner says it is still true: checked now, asked again after the review period."""
        change = {"checked_at": self.now(), "review_asked_at": None, "updated_by": by}
        return self._update_active(verified_id, change)

    def retire_verified(self, verified_id: int, *, by: str) -> bool:
        """Stop serving a verified answer (kept for history); False when already retired."""
        change = {"active": False, "retired_at": self.now(), "updated_by": by}
        return self._update_active(verified_id, change)

    def _update_active(self, verified_id: int, values: Mapping[str, object]) -> bool:
        with self.session() as session:
            result = session.exec(
                update(VerifiedAnswer)
                .where(col(VerifiedAnswer.id) == verified_id, col(VerifiedAnswer.active).is_(True))
                .values(**values)
            )
            return bool(result.rowcount)

    def release_verified_review(self, verified_id: int) -> None:
        """Undo a review claim whose message could not be sent, so a later pass asks again."""
        with self.session() as session:
            session.exec(
                update(VerifiedAnswer)
                .where(col(VerifiedAnswer.id) == verified_id)
                .values(review_asked_at=None)
            )

    def claim_verified_reviews(self, checked_before: datetime) -> list[VerifiedAnswer]:
        """Active answers last checked before `checked_before` and not yet asked; marks them asked.

        Each row is claimed with a guarded UPDATE, so replicas never send one review twice.
        """
        due = (
            select(VerifiedAnswer.id)
            .where(col(VerifiedAnswer.active).is_(True))
            .where(col(VerifiedAnswer.review_asked_at).is_(None))
            .where(
                or_(
                    col(VerifiedAnswer.checked_at) < checked_before,
                    col(VerifiedAnswer.checked_at).is_(None)
                    & (col(VerifiedAnswer.created_at) < checked_before),
                )
            )
        )
        claimed: list[VerifiedAnswer] = []
        now = self.now()
        with self.session() as session:
            ids = [int(i) for i in session.exec(due) if i is not None]
        for verified_id in ids:
            with self.session() as session:
                result = session.exec(
                    update(VerifiedAnswer)
                    .where(col(VerifiedAnswer.id) == verified_id)
                    .where(col(VerifiedAnswer.review_asked_at).is_(None))
                    .values(review_asked_at=now)
                )
                row = session.get(VerifiedAnswer, verified_id) if result.rowcount else None
            if row is not None:
                claimed.append(row)
        return claimed
