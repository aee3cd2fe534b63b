"""Stored feedback on a traced answer, sent to its trace (bot/traces)."""

from __future__ import annotations

from collections.abc import Callable

from bot.feedback.writes import FeedbackWrite, WriteResult
from bot.traces import FeedbackEvent, TraceIds, Traces

TRACED_OPS = ("vote", "submission", "annotate")
"""A vote, a correction or report, and the reason added to a thumbs-down; not a retraction."""


def feedback_tracer(traces: Traces) -> Callable[[FeedbackWrite, WriteResult], None]:
    """The recorder's `on_stored`: each stored write on a traced answer becomes a span."""

    def trace(write: FeedbackWrite, result: WriteResult) -> None:
        answer = result.answer
        if write.op not in TRACED_OPS or answer is None or answer.id is None:
            return
        if not answer.trace_id or not answer.span_id:
            return  # answered before tracing was on, or with it off
        kind = "reason" if write.op == "annotate" else write.kind
        traces.feedback(
            FeedbackEvent(
                ids=TraceIds(answer.trace_id, answer.span_id),
                answer_id=answer.id,
                kind=kind,
                source=write.source,
                user_id=write.user_id,
                reason=write.reason,
                text=write.text,
            )  # fmt: skip
        )

    return trace
