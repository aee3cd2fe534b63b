"""OpenTelemetry traces over OTLP/HTTP, tested against a local receiver decoding real OTLP.

As deployed: `lastmile serve` (a subprocess) answers a signed DM, exports the answer as a GenAI
span, a thumbs-down reaction as a child span in the same trace, and the digest links the trace.
Also: content only when asked, errors as error spans, a collector that is down or refuses, the
doctor line, the settings.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.types import AnswerOutcome, Source
from bot.digest import parse_week
from bot.digest.model import Counts, Digest, Example, ThemeDigest
from bot.doctor.report import render
from bot.doctor.traces import check_traces
from bot.traces import FeedbackEvent, NoTraces, traces_from_settings
from bot.traces.config import TraceSettings, read_trace_settings
from handlers.digest.blocks import digest_blocks
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.otlp_receiver import OtlpReceiver
from tests.test_http_provider_process import asked_in_dm, markdown_digest, thumbs_down
from tests.test_transport_cli import serving

VPN = "# VPN guide\n\nReset the VPN password in the VPN portal with the Forgot password link.\n"
TRACE_URL = "https://langfuse.example.com/project/p1/traces/{trace_id}"


@pytest.fixture
def otlp() -> Iterator[OtlpReceiver]:
    """A local OTLP/HTTP receiver."""
    with OtlpReceiver() as receiver:
        yield receiver


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_env(tmp_path: Path, endpoint: str) -> dict[str, str]:
    knowledge = tmp_path / "kb"
    knowledge.mkdir(exist_ok=True)
    (knowledge / "vpn.md").write_text(VPN, encoding="utf-8")
    owners = tmp_path / "owners.toml"
    owners.write_text('[[owner]]\nname = "IT"\nslack = "U0IT"\ndefault = true\n', "utf-8")
    return {
        "LASTMILE_KNOWLEDGE_DIR": str(knowledge),
        "LASTMILE_OWNERS_FILE": str(owners),
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Basic%20cGs6c2s=",
        "OTEL_SERVICE_NAME": "lastmile-it",
        "OTEL_BSP_SCHEDULE_DELAY": "50",  # the SDK's batch delay (ms): spans leave at once
        "LASTMILE_TRACE_URL": TRACE_URL,
    }


def test_serve_exports_the_answer_and_its_feedback_as_one_trace_the_digest_links(
    database_url: str, slack: FakeSlackApi, otlp: OtlpReceiver, tmp_path: Path
) -> None:
    extra = _serve_env(tmp_path, otlp.base_url)
    question = payloads.dm("how do I reset my VPN password?")
    with serving(database_url, slack, tmp_path, **extra) as sender:
        answer = asked_in_dm(sender, slack, database_url, question)
        [span] = otlp.wait_for(1, name="chat ")
        thumbs_down(sender, database_url, answer)
        [feedback] = otlp.wait_for(1, name="feedback ")
    # The answer span: GenAI conventions, what the row says, no text by default.
    assert (answer.trace_id, answer.span_id) == (span.trace_id, span.span_id)
    assert span.name == f"chat {answer.model}"
    attrs = span.attributes
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.provider.name"] == "lastmile.offline"
    assert attrs["gen_ai.request.model"] == answer.model
    assert attrs["lastmile.prompt.version"] == answer.prompt_version
    assert attrs["lastmile.sources"] == ["vpn.md"]
    assert attrs["lastmile.answer.id"] == answer.id
    assert attrs["lastmile.latency_ms"] == answer.latency_ms
    assert span.end_ns - span.start_ns >= answer.latency_ms * 1_000_000
    assert span.status_code != 2
    assert "gen_ai.input.messages" not in attrs
    assert not any("VPN password" in str(value) for value in attrs.values())
    assert span.resource["service.name"] == "lastmile-it"
    assert span.headers["authorization"] == "Basic cGs6c2s="  # the header, URL-decoded
    # The thumbs-down: a child span of the answer's, in its trace, with an evaluation event.
    assert (feedback.trace_id, feedback.parent_span_id) == (span.trace_id, span.span_id)
    assert feedback.name == "feedback down"
    assert feedback.attributes["gen_ai.evaluation.score.label"] == "thumbs_down"
    assert feedback.attributes["gen_ai.evaluation.score.value"] == 0.0
    assert feedback.attributes["lastmile.feedback.source"] == "reaction"
    assert [name for name, _ in feedback.events] == ["gen_ai.evaluation.result"]
    # The digest links the example to its trace.
    digest = markdown_digest(database_url, slack, tmp_path, **extra)
    link = TRACE_URL.replace("{trace_id}", span.trace_id)
    assert "- Asked: [how do I reset my VPN password?](https://slack.com/archives/D111/p" in digest
    assert f") ([trace]({link}))" in digest


def test_a_collector_that_is_down_costs_the_asker_nothing(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    extra = _serve_env(tmp_path, f"http://127.0.0.1:{_closed_port()}")
    question = payloads.dm("how do I reset my VPN password?")
    started = time.monotonic()
    with serving(database_url, slack, tmp_path, **extra) as sender:
        answer = asked_in_dm(sender, slack, database_url, question)
    assert time.monotonic() - started < 40  # the stop waits at most 5 s for the collector
    assert answer.error is None
    assert answer.trace_id is not None  # traced (the spans were dropped, not the answer)
    final = slack.messages("D111", thread_ts=str(question["event"]["ts"]))[-1]
    assert "Reset the VPN password" in str(final["text"])


def _outcome(**changes: object) -> AnswerOutcome:
    base = AnswerOutcome(
        text="Reset it in the portal.", provider="anthropic", model="claude-test",
        prompt_version="answer@1a2b3c4d", sources=[Source("VPN", "it/vpn.md", "https://w/vpn")],
        confidence=0.8, latency_ms=40,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_content_is_exported_only_when_capture_is_asked(otlp: OtlpReceiver) -> None:
    traces = traces_from_settings(TraceSettings(endpoint=otlp.endpoint, capture_content=True))
    span = traces.start_answer(
        started_ns=time.time_ns(), question="How do I reset <!channel> my VPN?", user_id="U1",
        channel_id="C1", outcome=_outcome(),
    )  # fmt: skip
    assert span is not None
    span.finish(7)
    traces.feedback(FeedbackEvent(span.ids, 7, "correction", "modal", "U2", text="Use the portal"))
    traces.close()
    answer, correction = sorted(otlp.wait_for(2), key=lambda s: s.name)
    [message] = json.loads(answer.attributes["gen_ai.input.messages"])
    assert message["parts"][0]["content"] == "How do I reset <!channel> my VPN?"
    [output] = json.loads(answer.attributes["gen_ai.output.messages"])
    assert output["parts"][0]["content"] == "Reset it in the portal."
    assert correction.name == "feedback correction"
    assert correction.attributes["lastmile.feedback.text"] == "Use the portal"


def test_a_failed_answer_is_an_error_span(otlp: OtlpReceiver) -> None:
    traces = traces_from_settings(TraceSettings(endpoint=otlp.endpoint))
    outcome = _outcome(text="", error="the model did not answer within 30 s (timed out)")
    span = traces.start_answer(
        started_ns=time.time_ns(), question="q", user_id="U1", channel_id="C1", outcome=outcome
    )
    assert span is not None
    span.finish(8)
    traces.close()
    [received] = otlp.wait_for(1)
    assert received.status_code == 2  # STATUS_CODE_ERROR
    assert received.attributes["error.type"] == "timeout"
    assert "timed out" in received.status_message


def test_a_reason_is_its_own_span_without_a_second_score(otlp: OtlpReceiver) -> None:
    traces = traces_from_settings(TraceSettings(endpoint=otlp.endpoint))
    span = traces.start_answer(
        started_ns=time.time_ns(), question="q", user_id="U1", channel_id="C1", outcome=_outcome()
    )
    assert span is not None
    span.finish(9)
    traces.feedback(FeedbackEvent(span.ids, 9, "reason", "modal", "U2", reason="outdated"))
    traces.close()
    [reason] = otlp.wait_for(1, name="feedback ")
    assert reason.attributes["gen_ai.evaluation.explanation"] == "outdated"
    assert "gen_ai.evaluation.score.value" not in reason.attributes


def test_tracing_is_off_unless_an_endpoint_is_set() -> None:
    off, problems = read_trace_settings({})
    assert (off.enabled, problems) == (False, [])
    assert isinstance(traces_from_settings(off), NoTraces)
    disabled, _ = read_trace_settings(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}
    )
    assert not disabled.enabled
    base, _ = read_trace_settings({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318/"})
    assert base.endpoint == "http://c:4318/v1/traces"
    exact, _ = read_trace_settings({
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://cloud.langfuse.com/api/public/otel/v1/traces",
    })  # fmt: skip
    assert exact.endpoint == "https://cloud.langfuse.com/api/public/otel/v1/traces"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "grpc://c:4317"},
         "OTEL_EXPORTER_OTLP_ENDPOINT='grpc://c:4317' is not an http(s) URL"),
        ({"OTEL_EXPORTER_OTLP_HEADERS": "Authorization"},
         "OTEL_EXPORTER_OTLP_HEADERS: 'Authorization'"),
        ({"LASTMILE_TRACE_URL": "https://langfuse/traces/"},
         "LASTMILE_TRACE_URL='https://langfuse/traces/' must be"),
    ],
)  # fmt: skip
def test_bad_trace_settings_are_named(env: dict[str, str], problem: str) -> None:
    _, problems = read_trace_settings(env)
    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_headers_are_never_in_the_settings_repr() -> None:
    settings, _ = read_trace_settings(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
            "OTEL_EXPORTER_OTLP_HEADERS": "x-key=s3cret",
        }
    )
    assert settings.headers == {"x-key": "s3cret"}
    assert "s3cret" not in repr(settings)


def test_doctor_says_whether_the_collector_takes_spans(otlp: OtlpReceiver) -> None:
    assert render(check_traces(TraceSettings(), 2.0)) == [
        "[ok  ] traces: off (set OTEL_EXPORTER_OTLP_ENDPOINT to export answers and feedback as "
        "traces)"
    ]
    accepted = check_traces(TraceSettings(endpoint=otlp.endpoint, trace_url=TRACE_URL), 2.0)
    assert render(accepted) == [
        f"[ok  ] traces: OTLP/HTTP to {otlp.endpoint} accepts spans, digest links to "
        "LASTMILE_TRACE_URL"
    ]
    assert otlp.spans == []  # the probe is an empty export: nothing shows in the tool
    otlp.refuse(401)
    [refused, fix] = render(check_traces(TraceSettings(endpoint=otlp.endpoint), 2.0))
    assert (
        refused
        == f"[FAIL] traces: the collector at {otlp.endpoint} refused the credentials (HTTP 401)"
    )
    assert "OTEL_EXPORTER_OTLP_HEADERS" in fix
    down = f"http://127.0.0.1:{_closed_port()}/v1/traces"
    [warning, fix] = render(check_traces(TraceSettings(endpoint=down), 2.0))
    assert warning == f"[warn] traces: cannot reach the collector at {down}: ConnectError"
    assert "Answers are unaffected" in fix
    [orphan, _] = render(check_traces(TraceSettings(trace_url=TRACE_URL), 2.0))
    assert orphan == "[warn] traces: LASTMILE_TRACE_URL is set but traces are off: no link to show"


@pytest.mark.parametrize(
    ("trace_url", "shown"),
    [
        ("https://langfuse.example.com/t/abc", " · <https://langfuse.example.com/t/abc|trace>"),
        ("https://evil.example.com/|<!channel>", ""),  # would split the link: not shown
    ],
)
def test_the_slack_digest_links_each_example_to_its_trace(trace_url: str, shown: str) -> None:
    example = Example("How do I reset my VPN?", "C0IT", "1700.0001", trace_url=trace_url)
    theme = ThemeDigest(
        theme_id=1, label="VPN reset", key_terms=(), count=1, previous_count=0, status="new",
        top_reason=None, assignee=None, bad_answer="", cited=(), channels=("C0IT",), people=1,
        examples=(example,),
    )  # fmt: skip
    digest = Digest(
        owner_id=1, owner_name="IT", owner_slack_id="U0IT", period=parse_week("2026-W46"),
        counts=Counts(), previous=Counts(), failures=1, themes=(theme,),
    )  # fmt: skip
    blocks = str([b.to_dict() for b in digest_blocks(digest, lambda c, t: "https://slack/p1")])
    assert f"• <https://slack/p1|How do I reset my VPN?>{shown}" in blocks
    assert "<!channel>" not in blocks
