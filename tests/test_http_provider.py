"""`LASTMILE_PROVIDER=http`: the company's own service answers, over real HTTP, through Slack.

The real app receives signed requests and calls a scripted answer service on a local port
(tests/fakes/answer_service.py), which writes exactly the bytes a good or a broken service
would. Each bad-service case shows what the asker sees and what the answer row records.
SQLite and PostgreSQL both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.answering import KnowledgeBase, make_answerer
from bot.answering.core import (
    CUT_OFF_MESSAGE,
    ESTIMATED_SUFFIX,
    FAILURE_MESSAGE,
    TIMEOUT_MESSAGE,
)
from bot.answering.http_provider import CONTRACT_VERSION, MAX_RESPONSE_BYTES, HttpAnswerer
from bot.clock import ManualClock
from bot.doctor import render
from bot.doctor.provider import check_provider
from bot.settings import Settings, SettingsError
from storage import Store
from tests.fakes import payloads
from tests.fakes.answer_service import (
    FakeAnswerService,
    ServiceReply,
    json_reply,
    sse,
    stream_reply,
)
from tests.fakes.slack_app import AppHarness, running_app, stored_answers, write_knowledge

VPN = "# VPN guide\n\nReset the VPN password in the VPN portal with Forgot password.\n"
DONE = {
    "sources": [{"title": "VPN runbook", "url": "https://wiki.example/vpn"}],
    "confidence": 0.82,
    "model": "acme-rag-3",
    "version": "rag-2026.11",
}


@dataclass(frozen=True)
class Rig:
    """The app plus the company service it asks."""

    app: AppHarness
    service: FakeAnswerService


@pytest.fixture
def answer_timeout_s() -> float:
    """Roomy, so a busy machine never turns an answer into a timeout."""
    return 10.0


@pytest.fixture
def rig(store: Store, clock: ManualClock, tmp_path: Path, answer_timeout_s: float) -> Iterator[Rig]:
    """Real app, real HTTP client, the scripted service on a local port."""
    knowledge: KnowledgeBase = write_knowledge(tmp_path / "kb", {"vpn.md": VPN})
    with FakeAnswerService() as service:
        answerer = make_answerer(
            provider="http", http_url=service.url, http_token="svc-token", timeout_s=10
        )
        assert isinstance(answerer, HttpAnswerer)
        try:
            with running_app(
                store, answerer=answerer, knowledge=knowledge, clock=clock,
                answer_timeout_s=answer_timeout_s,
            ) as app:  # fmt: skip
                yield Rig(app, service)
        finally:
            answerer.close()


def ask(rig: Rig, text: str = "how do I reset the VPN password?", thread: str | None = None) -> str:
    """A signed @mention; waits for the final message; returns the thread."""
    event = payloads.app_mention(f"<@UBOT> {text}", thread_ts=thread)
    count = len(rig.app.slack.calls_to("chat.stopStream")) + 1
    assert rig.app.sender.send_event(event).status == 200
    rig.app.slack.wait_for("chat.stopStream", count=count)  # the answer is stored before
    return thread or str(event["event"]["ts"])


def final_message(rig: Rig, thread: str) -> dict[str, object]:
    return rig.app.slack.messages("C111", thread_ts=thread)[-1]


def test_a_streamed_answer_carries_the_services_sources_model_and_version(rig: Rig) -> None:
    rig.service.reply(stream_reply(["Use the portal's ", "Forgot password link [1]."], DONE))
    thread = ask(rig)
    message = final_message(rig, thread)
    assert message["text"] == "Use the portal's Forgot password link \\[1]."
    blocks = json.dumps(message["blocks"])
    assert "https://wiki.example/vpn" in blocks and "VPN runbook" in blocks
    [answer] = stored_answers(rig.app.runtime.store)
    assert (answer.provider, answer.model, answer.prompt_version) == (
        "http", "acme-rag-3", "rag-2026.11",
    )  # fmt: skip
    assert answer.sources == [
        {
            "title": "VPN runbook",
            "path": "https://wiki.example/vpn",
            "url": "https://wiki.example/vpn",
        }
    ]
    assert answer.confidence == 0.82 and answer.confidence_line == "Grounded in 1 source"
    assert answer.error is None


def test_the_request_follows_the_contract(rig: Rig) -> None:
    rig.service.reply(json_reply({"text": "Use the VPN portal.", **DONE}))
    rig.service.reply(json_reply({"text": "Same portal on a Mac.", **DONE}))
    thread = ask(rig)
    ask(rig, "and on a Mac?", thread=thread)
    first, second = rig.service.requests
    assert first.headers["authorization"] == "Bearer svc-token"
    assert first.headers["accept"].startswith("text/event-stream")
    assert first.headers["lastmile-contract"] == CONTRACT_VERSION
    body = first.body
    assert body["question"] == "how do I reset the VPN password?"
    assert (body["user_id"], body["channel_id"], body["thread_ts"]) == ("U222", "C111", thread)
    assert body["history"] == []
    [passage] = body["context"]  # what lastmile found in its own knowledge folder
    assert passage["path"] == "vpn.md" and "Forgot password" in passage["text"]
    assert set(passage) == {"title", "path", "url", "text"}
    assert body["lastmile_version"] and body["contract"] == CONTRACT_VERSION
    assert second.body["history"] == [
        {"role": "user", "text": "how do I reset the VPN password?"},
        {"role": "assistant", "text": "Use the VPN portal."},
    ]


def test_a_json_answer_without_confidence_gets_lastmiles_estimate_labelled(rig: Rig) -> None:
    rig.service.reply(json_reply({"text": "Use the VPN portal.", "sources": DONE["sources"]}))
    ask(rig)
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.confidence_line.endswith(ESTIMATED_SUFFIX)
    assert answer.prompt_version == "unversioned"
    assert answer.model == "127.0.0.1"  # the service's host when it names no model


def test_unsafe_source_links_are_dropped_and_titles_kept(rig: Rig) -> None:
    sources = [
        {"title": "Runbook <!channel>", "url": "javascript:alert(1)"},
        {"url": "https://wiki.example/ok"},
        {"no": "title"},
    ]
    rig.service.reply(json_reply({"text": "Use the VPN portal.", "sources": sources}))
    thread = ask(rig)
    [answer] = stored_answers(rig.app.runtime.store)
    assert [(s["title"], s["url"]) for s in answer.sources] == [
        ("Runbook <!channel>", None),
        ("https://wiki.example/ok", "https://wiki.example/ok"),
    ]
    blocks = json.dumps(final_message(rig, thread)["blocks"])
    assert "javascript:" not in blocks and "<!channel>" not in blocks


def _cut_stream() -> ServiceReply:
    return stream_reply(["Use the portal ", "and then"], None)


def _error_event() -> ServiceReply:
    frames = (sse("error", {"message": "index offline"}),)
    return ServiceReply(frames, content_type="text/event-stream")


def _oversized_json() -> ServiceReply:
    return json_reply({"text": "x" * (MAX_RESPONSE_BYTES + 10)})


def _oversized_stream() -> ServiceReply:
    return stream_reply(["y" * 5_000] * (MAX_RESPONSE_BYTES // 5_000 + 5), DONE)


@pytest.mark.parametrize(
    ("replies", "notice", "error"),
    [
        ([json_reply({"error": "boom"}, status=500)] * 2, FAILURE_MESSAGE, "HTTP 500"),
        ([json_reply({"error": "bad"}, status=400)], FAILURE_MESSAGE, "HTTP 400"),
        ([ServiceReply((b"{not json",), length=True)], FAILURE_MESSAGE, "not valid JSON"),
        ([json_reply({"answer": "wrong field"})], FAILURE_MESSAGE, "no `text`"),
        ([ServiceReply((b"<html>",), content_type="text/html")], FAILURE_MESSAGE, "content type"),
        ([_cut_stream()], CUT_OFF_MESSAGE, "before its `done`"),
        ([_error_event()], FAILURE_MESSAGE, "index offline"),
        ([_oversized_json()], FAILURE_MESSAGE, "larger than"),
        ([_oversized_stream()], CUT_OFF_MESSAGE, "larger than"),
    ],
    ids=[
        "http-500", "http-400", "invalid-json", "no-text", "html", "stream-without-done",
        "error-event", "oversized-json", "oversized-stream",
    ],
)  # fmt: skip
def test_a_misbehaving_service_gets_a_clear_notice_and_an_error_on_the_answer(
    rig: Rig, replies: list[ServiceReply], notice: str, error: str
) -> None:
    rig.service.reply(*replies)
    thread = ask(rig)
    message = final_message(rig, thread)
    assert notice in str(message["text"])
    assert "lastmile_feedback" not in json.dumps(message.get("blocks"))  # nothing to rate
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.error is not None and error in answer.error
    assert answer.confidence_line == "No answer: check before relying on this"
    assert len(rig.service.requests) == len(replies)  # 5xx retried once, nothing else


@pytest.mark.parametrize("answer_timeout_s", [1.0])
def test_a_stalled_service_times_out_with_a_clear_notice(rig: Rig) -> None:
    rig.service.reply(stream_reply(["late"], DONE, stall_s=30))
    thread = ask(rig)
    assert TIMEOUT_MESSAGE in str(final_message(rig, thread)["text"])
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.error is not None


def test_a_failure_counts_against_the_version_the_service_last_reported(rig: Rig) -> None:
    rig.service.reply(json_reply({"text": "Use the VPN portal.", **DONE}))
    rig.service.reply(json_reply({"error": "bad"}, status=400))
    ask(rig)
    ask(rig, "and the wifi password?")
    ok, failed = stored_answers(rig.app.runtime.store)
    assert ok.prompt_version == failed.prompt_version == "rag-2026.11"
    assert failed.error is not None


def test_malformed_optional_fields_are_ignored_not_fatal(rig: Rig) -> None:
    done = {"sources": "not a list", "confidence": 85, "model": 3, "version": ""}
    rig.service.reply(stream_reply(["Use the VPN portal."], done))
    ask(rig)
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.error is None and answer.text == "Use the VPN portal."
    assert answer.sources == [] and answer.prompt_version == "unversioned"
    assert answer.confidence_line.endswith(ESTIMATED_SUFFIX)


def test_doctor_finds_the_service_with_one_get_and_never_asks_it_a_question() -> None:
    with FakeAnswerService() as service:
        check = check_provider(Settings(provider="http", http_url=service.url))
        assert service.requests == []  # the GET is answered 405 and no question is recorded
    assert render(check) == [
        f"[ok  ] provider: http service at {service.url} is reachable (HTTP 405 to GET); "
        "contract v1"
    ]
    closed = "http://127.0.0.1:9/answer"  # the discard port: nothing listens
    assert render(check_provider(Settings(provider="http", http_url=closed)))[0].startswith(
        f"[FAIL] provider: cannot reach the service at {closed}"
    )


def test_settings_need_an_http_url_for_the_http_provider() -> None:
    with pytest.raises(SettingsError) as missing:
        Settings.from_env({"LASTMILE_PROVIDER": "http"}, Path("/nonexistent/.env"))
    assert "LASTMILE_PROVIDER=http needs LASTMILE_HTTP_URL" in missing.value.render()
    with pytest.raises(SettingsError) as bad:
        env = {"LASTMILE_PROVIDER": "http", "LASTMILE_HTTP_URL": "ftp://x"}
        Settings.from_env(env, Path("/nonexistent/.env"))
    assert "LASTMILE_HTTP_URL='ftp://x' is not an http(s) URL." in bad.value.render()
    env = {"LASTMILE_PROVIDER": "http", "LASTMILE_HTTP_URL": "https://a.example/x"}
    env["LASTMILE_HTTP_TOKEN"] = "secret-token"
    settings = Settings.from_env(env, Path("/nonexistent/.env"))
    assert settings.http_token == "secret-token" and "secret-token" not in repr(settings)
