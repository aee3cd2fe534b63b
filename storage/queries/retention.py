"""Retention: delete what is past its keeping time, in small batches any replica may run.

Each batch is one transaction that first locks the rows it will delete. On PostgreSQL the lock
is `FOR UPDATE SKIP LOCKED`, so two replicas purging at once take different batches instead of
waiting on (or deadlocking with) each other; on SQLite the single writer lock serialises them
and the later one's deletes find nothing left. A purge with nothing due is three reads: two
index ranges (`processed_event.received_at`, `question.created_at`) and `fix_check`, which
gains a row only when an owner presses Mark fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, update
from sqlalchemy.orm import InstrumentedAttribute, Mapped
from sqlmodel import Session, SQLModel, col, select

from storage.models import (
    Answer,
    Feedback,
    FixCheck,
    FixNotice,
    ProcessedEvent,
    Question,
    UrgentPing,
    VerifiedAnswer,
)
from storage.queries.base import StoreBase, as_utc

BATCH = 500
"""Rows per transaction: short locks, and well under every driver's parameter limit."""
UNFINISHED = ("received", "processing")


@dataclass(frozen=True)
class PurgedRows:
    """How many rows one purge deleted (or, for a dry run, would delete) per table."""

    processed_events: int = 0
    questions: int = 0
    answers: int = 0
    feedback: int = 0
    urgent_pings: int = 0
    fix_checks: int = 0
    fix_notices: int = 0
    verified_answers_unlinked: int = 0

    def __add__(self, other: PurgedRows) -> PurgedRows:
        """Counts of both, table by table."""
        sums = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        return PurgedRows(**sums)


Purge = Callable[[Session, list[int]], PurgedRows]


class RetentionQueries(StoreBase):
    """Deleting expired Slack events, conversations (question, answers, feedback) and the
    fix checks that replayed them."""

    def purge_rows(
        self,
        *,
        events_finished_before: datetime,
        events_before: datetime,
        conversations_before: datetime,
        dry_run: bool = False,
    ) -> PurgedRows:
        """Delete expired rows (or with `dry_run`, count them); see bot/retention.py.

        Gone: finished events received before `events_finished_before`, any event received
        before `events_before`, each question created before `conversations_before` with its
        answers, their feedback and urgent pings, and each fix check (it quotes questions,
        answers and corrections) created before then, with its notices. Verified answers stay;
        one made from a deleted correction loses only that link.
        """
        events = _expired_events(as_utc(events_finished_before), as_utc(events_before))
        questions = [col(Question.created_at) < as_utc(conversations_before)]
        checks = [col(FixCheck.created_at) < as_utc(conversations_before)]
        if dry_run:
            return self._count(events, questions, checks)
        return (
            self._in_batches(ProcessedEvent.id, events, ProcessedEvent.received_at, _events)
            + self._in_batches(Question.id, questions, Question.created_at, _conversations)
            + self._in_batches(FixCheck.id, checks, FixCheck.created_at, _fix_checks)
        )

    def _in_batches(
        self,
        id_column: InstrumentedAttribute[int | None] | int | None,
        where: list[ColumnElement[bool]],
        order: InstrumentedAttribute[datetime] | datetime,
        purge: Purge,
    ) -> PurgedRows:
        """`purge` the rows `where` selects, BATCH at a time, one transaction per batch."""
        total = PurgedRows()
        while True:
            with self.session() as session:
                ids = _locked_ids(session, id_column, where, order)
                if ids:
                    total += purge(session, ids)
            if len(ids) < BATCH:
                return total

    def _count(
        self,
        events: list[ColumnElement[bool]],
        questions: list[ColumnElement[bool]],
        checks: list[ColumnElement[bool]],
    ) -> PurgedRows:
        old_questions = select(Question.id).where(*questions)
        old_answers = select(Answer.id).where(col(Answer.question_id).in_(old_questions))
        old_feedback = select(Feedback.id).where(col(Feedback.answer_id).in_(old_answers))
        old_checks = select(FixCheck.id).where(*checks)
        with self.session() as session:
            return PurgedRows(
                processed_events=_count(session, ProcessedEvent, *events),
                questions=_count(session, Question, *questions),
                answers=_count(session, Answer, col(Answer.question_id).in_(old_questions)),
                feedback=_count(session, Feedback, col(Feedback.answer_id).in_(old_answers)),
                urgent_pings=_count(
                    session, UrgentPing, col(UrgentPing.answer_id).in_(old_answers)
                ),
                fix_checks=_count(session, FixCheck, *checks),
                fix_notices=_count(session, FixNotice, col(FixNotice.fix_check_id).in_(old_checks)),
                verified_answers_unlinked=_count(
                    session,
                    VerifiedAnswer,
                    col(VerifiedAnswer.source_feedback_id).in_(old_feedback),
                ),
            )


def _expired_events(finished: datetime, any_event: datetime) -> list[ColumnElement[bool]]:
    received = col(ProcessedEvent.received_at)
    done = col(ProcessedEvent.status).not_in(UNFINISHED)
    return [
        received < max(finished, any_event),  # the indexed range; the rest filters within it
        or_(and_(received < finished, done), received < any_event),
    ]


def _locked_ids(
    session: Session,
    id_column: InstrumentedAttribute[int | None] | int | None,
    where: Sequence[ColumnElement[bool]],
    order: InstrumentedAttribute[datetime] | datetime,
) -> list[int]:
    """Up to BATCH ids matching `where`, oldest first, locked for this transaction (rows that
    another purge holds are skipped, not waited for)."""
    query = select(col(id_column)).where(*where).order_by(col(order))
    locked = query.limit(BATCH).with_for_update(skip_locked=True)
    return [int(found) for found in session.exec(locked) if found is not None]


def _count(session: Session, table: type[SQLModel], *where: ColumnElement[bool]) -> int:
    return int(session.exec(select(func.count()).select_from(table).where(*where)).one())


def _delete(session: Session, table: type[SQLModel], where: ColumnElement[bool]) -> int:
    return int(session.exec(delete(table).where(where)).rowcount)


def _events(session: Session, event_ids: list[int]) -> PurgedRows:
    return PurgedRows(
        processed_events=_delete_in(session, ProcessedEvent, col(ProcessedEvent.id), event_ids)
    )


def _fix_checks(session: Session, check_ids: list[int]) -> PurgedRows:
    notices = _delete_in(session, FixNotice, col(FixNotice.fix_check_id), check_ids)
    return PurgedRows(
        fix_checks=_delete_in(session, FixCheck, col(FixCheck.id), check_ids), fix_notices=notices
    )


def _conversations(session: Session, question_ids: list[int]) -> PurgedRows:
    """Delete these questions and every row that references them, children first."""
    answers = select(Answer.id).where(col(Answer.question_id).in_(question_ids))
    # Locking the answers holds off a new feedback row on them until these deletes commit.
    answer_ids = [int(a) for a in session.exec(answers.with_for_update()) if a is not None]
    feedback = select(Feedback.id).where(col(Feedback.answer_id).in_(answer_ids))
    feedback_ids = [int(f) for f in session.exec(feedback) if f is not None]
    unlinked = 0
    for chunk in _chunks(feedback_ids):
        # No FK (it would be a cycle): clear the link, so a reused id can't pose as approved.
        unlink = update(VerifiedAnswer).where(col(VerifiedAnswer.source_feedback_id).in_(chunk))
        unlinked += int(session.exec(unlink.values(source_feedback_id=None)).rowcount)
    pings = _delete_in(session, UrgentPing, col(UrgentPing.answer_id), answer_ids)
    feedback_gone = _delete_in(session, Feedback, col(Feedback.id), feedback_ids)
    answers_gone = _delete_in(session, Answer, col(Answer.id), answer_ids)
    questions_gone = _delete_in(session, Question, col(Question.id), question_ids)
    return PurgedRows(
        questions=questions_gone,
        answers=answers_gone,
        feedback=feedback_gone,
        urgent_pings=pings,
        verified_answers_unlinked=unlinked,
    )


def _delete_in(
    session: Session,
    table: type[SQLModel],
    column: Mapped[int] | Mapped[int | None],
    ids: list[int],
) -> int:
    """Delete rows whose `column` is one of `ids`, BATCH ids per statement."""
    return sum(_delete(session, table, column.in_(chunk)) for chunk in _chunks(ids))


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
