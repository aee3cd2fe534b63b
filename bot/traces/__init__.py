"""Answers and feedback as OpenTelemetry traces, for the tools AI teams already run.

Off by default. With the `traces` extra installed and an OTLP endpoint set (the standard
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`), each answer is exported
over OTLP/HTTP as a span following the GenAI semantic conventions, and each piece of feedback
on it as a child span in the same trace carrying a `gen_ai.evaluation.result` event. Langfuse,
Arize Phoenix, LangSmith, Braintrust and any OpenTelemetry Collector accept OTLP/HTTP.

Spans are queued and sent by a background thread (the SDK's BatchSpanProcessor): a collector
that is down or slow costs the answer path nothing; its spans are dropped once the queue is
full. See docs/traces.md.
"""

from __future__ import annotations

from bot.traces.model import AnswerSpan, FeedbackEvent, NoTraces, TraceIds, Traces
from bot.traces.setup import TracesUnavailable, traces_from_settings

__all__ = [
    "AnswerSpan",
    "FeedbackEvent",
    "NoTraces",
    "TraceIds",
    "Traces",
    "TracesUnavailable",
    "traces_from_settings",
]
