"""The OpenTelemetry SDK behind `Traces`: spans over OTLP/HTTP, sent by a background thread.

Attribute names follow the OpenTelemetry GenAI semantic conventions (`gen_ai.*`), plus
`lastmile.*` for what they have no name for (prompt version, sources, confidence). Question and
answer text are exported only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, as
the conventions require of content.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
)

from bot.answering.types import AnswerOutcome
from bot.traces.model import AnswerSpan, FeedbackEvent, TraceIds

log = logging.getLogger(__name__)
CLOSE_TIMEOUT_S = 5.0
"""How long a stopping bot waits to send queued spans before it gives up on them."""
SCORES = {"up": 1.0, "down": 0.0, "report": 0.0, "correction": 0.0}
LABELS = {"up": "thumbs_up", "down": "thumbs_down", "report": "reported_wrong",
          "correction": "corrected", "reason": "reason_given"}  # fmt: skip
PROVIDER_NAMES = {"anthropic": "anthropic", "openai": "openai", "http": "lastmile.http",
                  "offline": "lastmile.offline", "verified": "lastmile.verified"}  # fmt: skip


class _OpenAnswerSpan:
    def __init__(self, span: trace.Span) -> None:
        self._span = span
        context = span.get_span_context()
        self.ids = TraceIds(format(context.trace_id, "032x"), format(context.span_id, "016x"))

    def finish(self, answer_id: int) -> None:
        self._span.set_attribute("lastmile.answer.id", answer_id)
        self._span.end()


class OtlpTraces:
    """Answers and feedback exported as spans by a BatchSpanProcessor."""

    enabled = True

    def __init__(
        self, *, service_name: str, capture_content: bool, exporter: SpanExporter | None = None,
        version: str = "",
    ) -> None:  # fmt: skip
        resource = Resource.create({"service.name": service_name})
        self.provider = TracerProvider(resource=resource)
        # The exporter reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers,
        # timeout, compression, certificates) itself.
        self.processor = BatchSpanProcessor(exporter or OTLPSpanExporter())
        self.provider.add_span_processor(self.processor)
        self.tracer = self.provider.get_tracer("lastmile", version)
        self.capture_content = capture_content
        self._closed = False

    def start_answer(
        self, *, started_ns: int, question: str, user_id: str, channel_id: str,
        outcome: AnswerOutcome,
    ) -> AnswerSpan | None:  # fmt: skip
        """The answer's span, started when the question arrived; ended by `finish`."""
        try:
            return _OpenAnswerSpan(self._answer_span(started_ns, question, user_id, channel_id,
                                                     outcome))  # fmt: skip
        except Exception:  # a tracing bug must never cost the asker their answer
            log.exception("could not trace an answer")
            return None

    def _answer_span(
        self, started_ns: int, question: str, user_id: str, channel_id: str,
        outcome: AnswerOutcome,
    ) -> trace.Span:  # fmt: skip
        attributes: dict[str, str | int | float | bool | list[str]] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": PROVIDER_NAMES.get(outcome.provider, outcome.provider),
            "gen_ai.request.model": outcome.model,
            "gen_ai.response.model": outcome.model,
            "lastmile.prompt.version": outcome.prompt_version,
            "lastmile.provider": outcome.provider,
            "lastmile.confidence": outcome.confidence,
            "lastmile.confidence.line": outcome.confidence_line,
            "lastmile.latency_ms": outcome.latency_ms,
            "lastmile.sources": [s.path or s.url or s.title for s in outcome.sources],
            "lastmile.source.urls": [s.url for s in outcome.sources if s.url],
            "lastmile.verified": outcome.verified_answer_id is not None,
            "enduser.id": user_id,
            "lastmile.channel.id": channel_id,
        }
        if self.capture_content:
            attributes["gen_ai.input.messages"] = json.dumps(
                [{"role": "user", "parts": [{"type": "text", "content": question}]}]
            )
            attributes["gen_ai.output.messages"] = json.dumps(
                [{"role": "assistant", "parts": [{"type": "text", "content": outcome.text}],
                  "finish_reason": "error" if outcome.error else "stop"}]
            )  # fmt: skip
        span = self.tracer.start_span(
            f"chat {outcome.model}", kind=SpanKind.CLIENT, start_time=started_ns,
            attributes=attributes,
        )  # fmt: skip
        if outcome.error:
            span.set_attribute("error.type", _error_type(outcome.error))
            span.set_status(Status(StatusCode.ERROR, outcome.error[:200]))
        return span

    def feedback(self, event: FeedbackEvent) -> None:
        """A child span of the answer's, with a `gen_ai.evaluation.result` event."""
        try:
            self._feedback(event)
        except Exception:
            log.exception("could not trace feedback on answer %s", event.answer_id)

    def _feedback(self, event: FeedbackEvent) -> None:
        parent = SpanContext(
            trace_id=int(event.ids.trace_id, 16), span_id=int(event.ids.span_id, 16),
            is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )  # fmt: skip
        context = trace.set_span_in_context(NonRecordingSpan(parent))
        evaluation: dict[str, str | float] = {
            "gen_ai.evaluation.name": "lastmile.feedback",
            "gen_ai.evaluation.score.label": LABELS.get(event.kind, event.kind),
        }
        if event.kind in SCORES:  # a reason adds to an earlier thumbs-down: no second score
            evaluation["gen_ai.evaluation.score.value"] = SCORES[event.kind]
        if event.reason:
            evaluation["gen_ai.evaluation.explanation"] = event.reason
        if event.text and self.capture_content:
            evaluation["lastmile.feedback.text"] = event.text
        now = time.time_ns()
        span = self.tracer.start_span(
            f"feedback {event.kind}", context=context, start_time=now,
            attributes={**evaluation, "lastmile.answer.id": event.answer_id,
                        "lastmile.feedback.kind": event.kind,
                        "lastmile.feedback.source": event.source, "enduser.id": event.user_id},
        )  # fmt: skip
        span.add_event("gen_ai.evaluation.result", attributes=evaluation, timestamp=now)
        span.end(end_time=now)

    def close(self) -> None:
        """Send what is queued for at most CLOSE_TIMEOUT_S, then stop (never hangs a stop)."""
        if self._closed:
            return
        self._closed = True
        done = threading.Thread(target=self.provider.shutdown, daemon=True)
        done.start()
        done.join(CLOSE_TIMEOUT_S)
        if done.is_alive():
            log.warning("traces: the collector did not take the last spans within %.0f s",
                        CLOSE_TIMEOUT_S)  # fmt: skip


def _error_type(error: str) -> str:
    """A low-cardinality error type: `timeout`, `cut_off` or `provider_error`."""
    lowered = error.lower()
    if "timed out" in lowered or "timeout" in lowered:
        return "timeout"
    if "cut off" in lowered or "stopped" in lowered:
        return "cut_off"
    return "provider_error"
