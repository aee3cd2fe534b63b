"""Reads for "Couldn't answer well": every answer of a period with what judging it needs.

Nobody flagged these answers; whether one failed is decided in bot/digest/silent.py from what
the answer itself says (its confidence line, a provider error, "I don't know") and from what the
asker did next (asked again). Fix notices are the bot following up, not answers: left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Exists, exists
from sqlalchemy import select as sa_select
from sqlmodel import col

from bot.vocabulary import FAILURE_KINDS, OWNER_ANSWER_SOURCE, FeedbackKind
from storage.models import Answer, Feedback, Question
from storage.queries.activity import fix_notice_answers
from storage.queries.base import StoreBase, as_utc


class AnswerSeen(NamedTuple):
    """One answer of the period, as the digest judges it without anyone's flag."""

    answer_id: int
    user_id: str  # who asked
    question: str
    answer: str
    channel_id: str
    message_ts: str  # the answer's message (the question's when the answer has none)
    asked_at: datetime
    answered_at: datetime
    confidence_line: str
    cited: bool  # the answer named at least one source
    error: str | None
    verified: bool  # a verified answer was served
    flagged: bool  # someone gave it a thumbs down, a correction or a report
    liked: bool  # someone gave it a thumbs up
    trace_id: str | None


class SilentQueries(StoreBase):
    """One read over the period's answers (indexed on `created_at`)."""

    def answers_seen_between(self, start: datetime, end: datetime) -> list[AnswerSeen]:
        """Every answer created in [start, end), ordered by asker and time."""
        employees = col(Feedback.source) != OWNER_ANSWER_SOURCE

        def has(kinds: tuple[str, ...]) -> Exists:
            return (
                exists()
                .where(col(Feedback.answer_id) == col(Answer.id), employees)
                .where(col(Feedback.kind).in_(kinds))
            )

        query = (
            sa_select(
                col(Answer.id), col(Question.user_id), col(Question.text), col(Answer.text),
                col(Question.channel_id), col(Answer.message_ts), col(Question.message_ts),
                col(Question.created_at), col(Answer.created_at), col(Answer.confidence_line),
                col(Answer.sources), col(Answer.error), col(Answer.verified_answer_id),
                has(FAILURE_KINDS), has((FeedbackKind.UP.value,)), col(Answer.trace_id),
            )
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(col(Answer.created_at) >= start, col(Answer.created_at) < end)
            .where(col(Answer.id).not_in(fix_notice_answers()))
        )  # fmt: skip
        with self.session() as session:
            rows = [
                AnswerSeen(
                    a, u, q, at or "", ch, ats or qts or "", as_utc(asked), as_utc(answered),
                    line or "", bool(sources), error, verified is not None, bool(flagged),
                    bool(liked), trace,
                )
                for (a, u, q, at, ch, ats, qts, asked, answered, line, sources, error,
                     verified, flagged, liked, trace) in session.execute(query)
            ]  # fmt: skip
        return sorted(rows, key=lambda row: (row.user_id, row.asked_at, row.answer_id))
