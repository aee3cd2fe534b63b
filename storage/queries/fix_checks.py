"""Checked fixes: a theme's flagged questions, the replay shown to the owner, reporters told.

A `FixCheck` row is what the owner saw before confirming; a `FixNotice` row is one reporter
told, with the new answer they got and their reply to "Is this right now?".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import update
from sqlmodel import col, select

from bot.vocabulary import FAILURE_KINDS, FixReply, ThemeStatus
from storage.models import Answer, Feedback, FixCheck, FixNotice, Question, Theme, VerifiedAnswer
from storage.queries.base import StoreBase


class ReportedQuestion(NamedTuple):
    """One failure of a theme: who flagged which question, the flagged answer, any correction."""

    feedback_id: int
    user_id: str
    kind: str
    question_id: int
    question: str
    answer: str  # the answer that was flagged
    correction: str | None  # the right answer a correction (or a report's text) gave
    notified: bool  # already told about an earlier fix


class FixFollowUp(NamedTuple):
    """How one confirmed fix went: reporters told, and how many replied right or wrong."""

    theme_id: int
    label: str
    told: int
    confirmed: int
    disputed: int
    held_back: int  # reporters not told because their question still failed


class FixCheckQueries(StoreBase):
    """Queries on `fix_check` and `fix_notice`, and the theme reads a fix check needs."""

    def theme_reports(self, theme_id: int) -> list[ReportedQuestion]:
        """Every failure (thumbs down, report, correction) tagged with the theme, oldest first."""
        query = (
            select(Feedback, Answer.text, Question.id, Question.text)
            .join(Answer, col(Answer.id) == col(Feedback.answer_id))
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(Feedback.theme_id == theme_id, col(Feedback.kind).in_(FAILURE_KINDS))
            .order_by(col(Feedback.created_at), col(Feedback.id))
        )
        with self.session() as session:
            rows = list(session.exec(query).all())
        return [
            ReportedQuestion(
                feedback_id=feedback.id or 0,
                user_id=feedback.user_id,
                kind=feedback.kind,
                question_id=question_id or 0,
                question=question,
                answer=answer,
                correction=(feedback.text or None) if feedback.kind != "down" else None,
                notified=feedback.notified_fixed_at is not None,
            )
            for feedback, answer, question_id, question in rows
        ]

    def save_fix_check(
        self, theme_id: int, *, checked_by: str, results: list[dict[str, Any]]
    ) -> FixCheck:
        """Store what a replay showed, before the owner confirms."""
        row = FixCheck(
            theme_id=theme_id, checked_by=checked_by, results=results, created_at=self.now()
        )
        with self.session() as session:
            session.add(row)
            session.flush()
            session.refresh(row)
        return row

    def get_fix_check(self, check_id: int) -> FixCheck | None:
        """One fix check by id."""
        with self.session() as session:
            return session.get(FixCheck, check_id)

    def claim_fix_confirmation(self, check_id: int, *, by: str) -> bool:
        """Stamp confirmed_at once; False for a second click (or a second replica)."""
        statement = (
            update(FixCheck)
            .where(col(FixCheck.id) == check_id, col(FixCheck.confirmed_at).is_(None))
            .where(col(FixCheck.confirmed_by).is_(None))  # an undone check stays undone
            .values(confirmed_at=self.now(), confirmed_by=by)
        )
        with self.session() as session:
            return bool(session.exec(statement).rowcount)

    def set_fix_check_digest(self, check_id: int, *, channel: str, ts: str) -> None:
        """Remember the digest message Mark fixed was pressed on, so Confirm can update it."""
        statement = (
            update(FixCheck)
            .where(col(FixCheck.id) == check_id)
            .values(digest_channel=channel, digest_ts=ts)
        )
        with self.session() as session:
            session.exec(statement)

    def latest_confirmed_check(self, theme_id: int) -> FixCheck | None:
        """The theme's most recently confirmed fix check (the one an undo cancels)."""
        query = (
            select(FixCheck)
            .where(FixCheck.theme_id == theme_id, col(FixCheck.confirmed_at).is_not(None))
            .order_by(col(FixCheck.confirmed_at).desc(), col(FixCheck.id).desc())
        )
        with self.session() as session:
            return session.exec(query).first()

    def cancel_fix_check(self, check_id: int, *, by: str) -> bool:
        """Undo a confirmed check: no longer a fix anywhere, and its Confirm never works again.

        `confirmed_at` is cleared (digests and follow-ups count confirmed checks only) and
        `confirmed_by` keeps who undid it, which claim_fix_confirmation refuses.
        """
        statement = (
            update(FixCheck)
            .where(col(FixCheck.id) == check_id, col(FixCheck.confirmed_at).is_not(None))
            .values(confirmed_at=None, confirmed_by=f"undone:{by}"[:64])
        )
        with self.session() as session:
            return bool(session.exec(statement).rowcount)

    def release_reports_told(self, theme_id: int, user_ids: Sequence[str]) -> None:
        """These reporters' failures of the theme count as untold again (a later fix tells them)."""
        if not user_ids:
            return
        statement = (
            update(Feedback)
            .where(col(Feedback.theme_id) == theme_id, col(Feedback.user_id).in_(list(user_ids)))
            .values(notified_fixed_at=None)
        )
        with self.session() as session:
            session.exec(statement)

    def claim_reports_told(self, feedback_ids: Sequence[int]) -> set[int]:
        """Stamp notified_fixed_at on these failures if not yet stamped; the ids stamped now."""
        if not feedback_ids:
            return set()
        statement = (
            update(Feedback)
            .where(
                col(Feedback.id).in_(list(feedback_ids)), col(Feedback.notified_fixed_at).is_(None)
            )
            .values(notified_fixed_at=self.now())
            .returning(col(Feedback.id))
        )
        with self.session() as session:
            return {int(row[0]) for row in session.exec(statement).all()}

    def add_fix_notice(self, notice: FixNotice) -> FixNotice | None:
        """Insert a notice once per (fix check, reporter); None when one exists already."""
        notice.created_at = self.now()
        return notice if self.try_insert(notice) else None

    def set_fix_notice_answer(self, notice_id: int, answer_id: int) -> None:
        """Record the Answer row of the message that told the reporter."""
        with self.session() as session:
            session.exec(
                update(FixNotice).where(col(FixNotice.id) == notice_id).values(answer_id=answer_id)
            )

    def get_fix_notice(self, notice_id: int) -> FixNotice | None:
        """One notice by id."""
        with self.session() as session:
            return session.get(FixNotice, notice_id)

    def record_fix_reply(self, notice_id: int, reply: str) -> bool:
        """Store the reporter's first reply; True when this was it (the first reply is final)."""
        statement = (
            update(FixNotice)
            .where(col(FixNotice.id) == notice_id)
            .where(col(FixNotice.reply).is_(None))
            .values(reply=reply, replied_at=self.now())
        )
        with self.session() as session:
            return bool(session.exec(statement).rowcount)

    def confirmed_fix_checks(self, *, since: datetime | None = None) -> list[FixCheck]:
        """Fix checks the owner confirmed (since a time), oldest first."""
        query = select(FixCheck).where(col(FixCheck.confirmed_at).is_not(None))
        if since is not None:
            query = query.where(col(FixCheck.confirmed_at) >= since)
        with self.session() as session:
            return list(session.exec(query.order_by(col(FixCheck.id))).all())

    def fix_notices(self, check_ids: Sequence[int]) -> list[FixNotice]:
        """The notices sent from these fix checks, oldest first."""
        query = select(FixNotice).where(col(FixNotice.fix_check_id).in_(list(check_ids)))
        with self.session() as session:
            return list(session.exec(query.order_by(col(FixNotice.id))).all())

    def fix_followups(self, owner_id: int, start: datetime, end: datetime) -> list[FixFollowUp]:
        """Fixes of the owner's themes confirmed in [start, end), with the reporters' replies."""
        checks = select(FixCheck, Theme.label).join(Theme, col(Theme.id) == col(FixCheck.theme_id))
        checks = checks.where(
            Theme.owner_id == owner_id,
            col(FixCheck.confirmed_at) >= start,
            col(FixCheck.confirmed_at) < end,
        ).order_by(col(FixCheck.confirmed_at))
        with self.session() as session:
            found = list(session.exec(checks).all())
            ids = [check.id for check, _ in found]
            notices = session.exec(select(FixNotice).where(col(FixNotice.fix_check_id).in_(ids)))
            by_check: dict[int, list[FixNotice]] = {}
            for notice in notices:
                by_check.setdefault(notice.fix_check_id, []).append(notice)
        return [_followup(check, label, by_check.get(check.id or 0, [])) for check, label in found]

    def verified_theme_id(self, verified_answer_id: int) -> int | None:
        """The theme a verified answer was approved from, if any."""
        with self.session() as session:
            row = session.get(VerifiedAnswer, verified_answer_id)
            return row.theme_id if row is not None else None

    def fixed_themes(self) -> list[Theme]:
        """Every theme currently marked fixed."""
        query = select(Theme).where(Theme.status == ThemeStatus.FIXED).order_by(col(Theme.id))
        with self.session() as session:
            return list(session.exec(query).all())


def _followup(check: FixCheck, label: str, notices: Sequence[FixNotice]) -> FixFollowUp:
    held_back = {user for r in check.results if r.get("outcome") == "fails" for user in r["users"]}
    told = {n.user_id for n in notices}
    return FixFollowUp(
        theme_id=check.theme_id,
        label=label,
        told=len(told),
        confirmed=sum(n.reply == FixReply.RIGHT for n in notices),
        disputed=sum(n.reply == FixReply.WRONG for n in notices),
        held_back=len(held_back - told),
    )
