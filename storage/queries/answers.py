"""Questions and answers: what was asked, what was said, and where in Slack it lives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from storage.models import Answer, Question
from storage.queries.base import StoreBase


class AnswerQueries(StoreBase):
    """Queries on `question` and `answer`."""

    def add_question(
        self,
        *,
        text: str,
        user_id: str,
        channel_id: str = "",
        thread_ts: str = "",
        message_ts: str = "",
        via: str = "mention",
        event_id: str | None = None,
    ) -> Question:
        """Store a question as asked."""
        row = Question(
            text=text,
            user_id=user_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            message_ts=message_ts,
            via=via,
            event_id=event_id,
            created_at=self.now(),
        )
        with self.session() as session:
            session.add(row)
            session.flush()
            session.refresh(row)
        return row

    def question_for_event(self, event_id: str) -> Question | None:
        """The question an event already produced (for resuming after a crash)."""
        with self.session() as session:
            query = select(Question).where(Question.event_id == event_id)
            return session.exec(query).first()

    def add_answer(
        self,
        *,
        question_id: int,
        text: str,
        provider: str,
        model: str,
        prompt_version: str,
        sources: list[dict[str, Any]] | None = None,
        confidence: float = 0.0,
        confidence_line: str = "",
        latency_ms: int = 0,
        error: str | None = None,
        verified_answer_id: int | None = None,
        channel_id: str = "",
        message_ts: str | None = None,
        thread_ts: str = "",
        trace_id: str | None = None,
        span_id: str | None = None,
    ) -> Answer:
        """Store an answer (or a failed attempt, with `error` set)."""
        row = Answer(
            question_id=question_id,
            text=text,
            provider=provider,
            model=model,
            prompt_version=prompt_version,
            sources=sources or [],
            confidence=confidence,
            confidence_line=confidence_line,
            latency_ms=latency_ms,
            error=error[:1000] if error else None,
            verified_answer_id=verified_answer_id,
            channel_id=channel_id,
            message_ts=message_ts,
            thread_ts=thread_ts,
            created_at=self.now(),
            trace_id=trace_id,
            span_id=span_id,
        )
        with self.session() as session:
            session.add(row)
            session.flush()
            session.refresh(row)
        return row

    def set_question_reply(self, question_id: int, reply_ts: str) -> None:
        """Remember the reply message as soon as it exists, so a retry replaces, never doubles."""
        statement = (
            update(Question).where(col(Question.id) == question_id).values(reply_ts=reply_ts)
        )
        with self.session() as session:
            session.exec(statement)

    def set_answer_message(self, answer_id: int, *, channel_id: str, message_ts: str) -> None:
        """Remember where in Slack the answer was posted, so clicks find it."""
        statement = (
            update(Answer)
            .where(col(Answer.id) == answer_id)
            .values(channel_id=channel_id, message_ts=message_ts)
        )
        with self.session() as session:
            session.exec(statement)

    def get_answer(self, answer_id: int) -> Answer | None:
        """One answer by id."""
        with self.session() as session:
            return session.get(Answer, answer_id)

    def get_question(self, question_id: int) -> Question | None:
        """One question by id."""
        with self.session() as session:
            return session.get(Question, question_id)

    def answer_by_message(self, channel_id: str, message_ts: str) -> Answer | None:
        """Find our answer from the Slack message it was posted as (never trust client ids)."""
        with self.session() as session:
            query = select(Answer).where(
                Answer.channel_id == channel_id, Answer.message_ts == message_ts
            )
            return session.exec(query).one_or_none()

    def thread_turns(
        self, channel_id: str, thread_ts: str, limit: int = 10
    ) -> list[tuple[str, str]]:
        """Earlier (question, answer) turns in a thread, oldest first, for follow-ups."""
        with self.session() as session:
            query = (
                select(Question.text, Answer.text)
                .join(Answer, col(Answer.question_id) == col(Question.id))
                .where(Question.channel_id == channel_id, Question.thread_ts == thread_ts)
                .where(col(Answer.error).is_(None))
                .order_by(col(Answer.id).desc())
                .limit(limit)
            )
            rows = session.exec(query).all()
        return [(question, answer) for question, answer in reversed(rows)]
