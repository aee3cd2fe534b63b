"""A period's activity (questions, answers, feedback) with what routing needs: channel and text.

Digest headline numbers are per owner, and owners are decided by routing a question's channel
and text; these reads return both so the core can route each question once. A fix notice (the
new answer DMed to a reporter when a theme is marked fixed) is the bot following up, not an
answer to a question asked this week: it and the votes on it are left out here (the digest
counts reporters' replies under "Last week's fixes").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import col

from bot.vocabulary import OWNER_ANSWER_SOURCE
from storage.models import Answer, Feedback, FixNotice, Question
from storage.queries.base import StoreBase, as_utc
from storage.queries.digest_history import cited_paths


class AskedRow(NamedTuple):
    """A question asked in the period."""

    question_id: int
    channel_id: str
    text: str


class AnsweredRow(NamedTuple):
    """An answer given in the period (`failed` when the provider errored)."""

    question_id: int
    channel_id: str
    text: str
    failed: bool
    prompt_version: str
    model: str
    answer_id: int = 0
    cited: tuple[str, ...] = ()  # knowledge paths the answer's sources name


class FeedbackRow(NamedTuple):
    """Feedback given in the period, with the answer it is about."""

    question_id: int
    channel_id: str
    text: str
    kind: str
    created_at: datetime
    answer_created_at: datetime
    prompt_version: str
    model: str


class ActivityQueries(StoreBase):
    """Reads bounded by the indexed `created_at` columns."""

    def asked_between(self, start: datetime, end: datetime) -> list[AskedRow]:
        """Questions created in [start, end)."""
        query = sa_select(col(Question.id), col(Question.channel_id), col(Question.text)).where(
            col(Question.created_at) >= start, col(Question.created_at) < end
        )
        with self.session() as session:
            return [AskedRow(*row) for row in session.execute(query)]

    def answered_between(self, start: datetime, end: datetime) -> list[AnsweredRow]:
        """Answers created in [start, end), with their question's channel and text."""
        query = (
            sa_select(
                col(Question.id), col(Question.channel_id), col(Question.text),
                col(Answer.error).is_not(None), col(Answer.prompt_version), col(Answer.model),
                col(Answer.id), col(Answer.sources),
            )
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(col(Answer.created_at) >= start, col(Answer.created_at) < end)
            .where(col(Answer.id).not_in(fix_notice_answers()))
        )  # fmt: skip
        with self.session() as session:
            return [
                AnsweredRow(q, ch, t, f, pv, m, a, cited_paths(sources or []))
                for q, ch, t, f, pv, m, a, sources in session.execute(query)
            ]

    def feedback_between(self, start: datetime, end: datetime) -> list[FeedbackRow]:
        """Feedback created in [start, end), with its answer's question, version and model."""
        query = (
            sa_select(
                col(Question.id), col(Question.channel_id), col(Question.text),
                col(Feedback.kind), col(Feedback.created_at), col(Answer.created_at),
                col(Answer.prompt_version), col(Answer.model),
            )
            .join(Answer, col(Answer.id) == col(Feedback.answer_id))
            .join(Question, col(Question.id) == col(Answer.question_id))
            .where(col(Feedback.created_at) >= start, col(Feedback.created_at) < end)
            .where(col(Feedback.source) != OWNER_ANSWER_SOURCE)
            .where(col(Answer.id).not_in(fix_notice_answers()))
        )  # fmt: skip
        with self.session() as session:
            return [
                FeedbackRow(q, ch, t, k, as_utc(at), as_utc(aat), pv, m)
                for q, ch, t, k, at, aat, pv, m in session.execute(query)
            ]


def fix_notice_answers() -> Any:
    """The ids of answers that were fix notices (a subquery; NULLs left out for NOT IN)."""
    return sa_select(col(FixNotice.answer_id)).where(col(FixNotice.answer_id).is_not(None))
