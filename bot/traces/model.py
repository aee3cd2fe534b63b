"""What the bot reports to a tracer: an answer (a span), feedback on it (a child span)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.answering.types import AnswerOutcome


@dataclass(frozen=True)
class TraceIds:
    """Where an answer's span is: W3C trace id (32 hex) and span id (16 hex)."""

    trace_id: str
    span_id: str


@dataclass(frozen=True)
class FeedbackEvent:
    """One stored piece of feedback on a traced answer."""

    ids: TraceIds
    answer_id: int
    kind: str  # up | down | correction | report
    source: str  # button | modal | shortcut | reaction | handoff
    user_id: str
    reason: str | None = None
    text: str | None = None  # a correction's text (exported only with content capture)


class AnswerSpan(Protocol):
    """An answer's span, open until its row is stored (so the row can carry the ids)."""

    @property
    def ids(self) -> TraceIds: ...

    def finish(self, answer_id: int) -> None:
        """Record the stored answer's id and end the span."""
        ...


class Traces(Protocol):
    """Exports answers and feedback; must never block or raise into the answer path."""

    enabled: bool

    def start_answer(
        self, *, started_ns: int, question: str, user_id: str, channel_id: str,
        outcome: AnswerOutcome,
    ) -> AnswerSpan | None:  # fmt: skip
        """An open span for the answer just made (None when tracing is off)."""
        ...

    def feedback(self, event: FeedbackEvent) -> None:
        """Export one stored piece of feedback on a traced answer."""
        ...

    def close(self) -> None:
        """Send what is queued (bounded in time) and stop the exporter."""
        ...


class NoTraces:
    """Tracing off: nothing is made, nothing is sent."""

    enabled = False

    def start_answer(
        self, *, started_ns: int, question: str, user_id: str, channel_id: str,
        outcome: AnswerOutcome,
    ) -> AnswerSpan | None:  # fmt: skip
        """No span."""
        return None

    def feedback(self, event: FeedbackEvent) -> None:
        """Nothing to export."""

    def close(self) -> None:
        """Nothing to stop."""
