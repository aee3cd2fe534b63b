"""Thinking steps: task cards that show how an answer was grounded, streamed before its text.

A real Bolt app gets signed events; the real Anthropic SDK talks to the fake Anthropic server;
the fake Slack checks every chunk against Slack's documented shape (tests/fakes/stream_chunks.py).
Streaming chunks are not in tests/data (Slack's SDK tests record no such call): their shape is
built from Slack's chat.startStream reference and slack_sdk's `TaskUpdateChunk`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anthropic
import pytest

from bot.answering import KnowledgeBase
from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from storage import Store
from storage.models import VerifiedAnswer
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.slack_app import AppHarness, running_app, stored_answers, write_knowledge

VPN = (
    "---\nurl: https://wiki.example/vpn\n---\n"
    "# VPN guide\n\nReset the VPN password in the VPN portal with Forgot password.\n"
)
HOSTILE_TITLE = (
    "# Laptops <!channel> <https://evil.example|wiki>\n\nLaptops come from the IT desk.\n"
)


@dataclass(frozen=True)
class Rig:
    """The app plus the fake model server it talks to."""

    app: AppHarness
    llm: FakeAnthropicServer


@pytest.fixture
def rig(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[Rig]:
    """Real app, real Anthropic SDK ("claude-test"), a knowledge page with a link."""
    knowledge = write_knowledge(tmp_path / "kb", {"vpn.md": VPN, "laptops.md": HOSTILE_TITLE})
    with FakeAnthropicServer() as llm:
        client = anthropic.Anthropic(api_key="test", base_url=llm.base_url, max_retries=0)
        answerer = AnthropicAnswerer(client, model="claude-test")
        with running_app(
            store, answerer=answerer, knowledge=knowledge, clock=clock, answer_timeout_s=3.0
        ) as app:
            yield Rig(app, llm)


def ask_in_dm(app: AppHarness, text: str) -> str:
    """A signed DM; returns the thread the answer goes to."""
    event = payloads.dm(text)
    assert app.sender.send_event(event).status == 200
    return str(event["event"]["ts"])


def reply_ts(slack: FakeSlackApi, channel: str, thread: str) -> str:
    """The bot's reply in the thread (the one message after the question)."""
    [reply] = [m for m in slack.messages(channel, thread_ts=thread) if m.get("bot_id")]
    return str(reply["ts"])


def test_steps_stream_before_the_text_with_the_passages_sources(rig: Rig) -> None:
    rig.llm.reply_with("Use the VPN portal and click Forgot password [1].", chunks=4)
    thread = ask_in_dm(rig.app, "how do I reset my VPN password?")
    rig.app.slack.wait_for("chat.stopStream")
    [start] = rig.app.slack.calls_to("chat.startStream")
    kinds = [chunk["type"] for chunk in start.params["chunks"]]
    # Approved answers, knowledge search and the model call are shown before any text arrives.
    assert kinds[:3] == ["task_update"] * 3 and start.params["task_display_mode"] == "timeline"
    tasks = rig.app.slack.tasks("D111", reply_ts(rig.app.slack, "D111", thread))
    assert list(tasks) == ["verified", "search", "model"]
    assert tasks["verified"]["output"] == "No approved answer matches this question"
    search = tasks["search"]
    assert search["status"] == "complete" and search["output"].startswith("Found 1 passage")
    assert search["sources"] == [
        {"type": "url", "url": "https://wiki.example/vpn", "text": "VPN guide"}
    ]
    assert tasks["model"]["title"] == "Asked claude-test" and tasks["model"]["status"] == "complete"
    [message] = [m for m in rig.app.slack.messages("D111", thread_ts=thread) if m.get("bot_id")]
    assert message["text"] == "Use the VPN portal and click Forgot password \\[1]."  # escaped `[`


def test_a_failed_model_call_shows_an_error_step(rig: Rig) -> None:
    rig.llm.fail_with(500, times=2)
    thread = ask_in_dm(rig.app, "how do I reset my VPN password?")
    rig.app.slack.wait_for("chat.stopStream")
    model = rig.app.slack.tasks("D111", reply_ts(rig.app.slack, "D111", thread))["model"]
    assert model["status"] == "error" and model["output"] == "The AI service returned an error"
    rig.app.drain()
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.error is not None


def test_a_timed_out_model_call_says_so(rig: Rig) -> None:
    rig.llm.stall(30)
    thread = ask_in_dm(rig.app, "how do I reset my VPN password?")
    rig.app.slack.wait_for("chat.stopStream", timeout=15)
    model = rig.app.slack.tasks("D111", reply_ts(rig.app.slack, "D111", thread))["model"]
    assert (model["status"], model["output"]) == ("error", "Timed out")


def test_nothing_found_is_said_and_no_source_is_listed(rig: Rig) -> None:
    rig.llm.reply_with("I don't know.")
    thread = ask_in_dm(rig.app, "what is the cafeteria menu on Friday?")
    rig.app.slack.wait_for("chat.stopStream")
    search = rig.app.slack.tasks("D111", reply_ts(rig.app.slack, "D111", thread))["search"]
    assert search["output"] == "Nothing relevant found" and "sources" not in search


def test_a_verified_answer_names_the_approved_question_and_skips_the_model(rig: Rig) -> None:
    with rig.app.runtime.store.session() as session:
        session.add(
            VerifiedAnswer(
                question="How do I reset my VPN password?",
                answer="Go to https://vpn.example/reset and follow the email.",
                approved_by="U999",
                approved_by_name="Dana",
                created_at=datetime(2026, 11, 2, tzinfo=UTC),
            )
        )
    thread = ask_in_dm(rig.app, "I forgot my VPN password, how can I reset it?")
    rig.app.slack.wait_for("chat.stopStream")
    tasks = rig.app.slack.tasks("D111", reply_ts(rig.app.slack, "D111", thread))
    assert list(tasks) == ["verified"]
    assert tasks["verified"]["output"] == (
        "Matched the approved answer to: How do I reset my VPN password?"
    )
    assert rig.llm.requests == []


def test_a_document_title_in_a_step_can_never_ping_or_link(rig: Rig) -> None:
    rig.llm.reply_with("Ask the IT desk [1].")
    thread = ask_in_dm(rig.app, "where do laptops come from?")
    rig.app.slack.wait_for("chat.stopStream")
    search = rig.app.slack.tasks("D111", reply_ts(rig.app.slack, "D111", thread))["search"]
    shown = json.dumps(search)
    assert "Laptops" in shown and "<!channel>" not in shown and "<https://" not in shown


def test_a_workspace_without_chunks_gets_the_answer_streamed_as_text(rig: Rig) -> None:
    rig.app.slack.refuse_chunks()
    rig.llm.reply_with("Use the VPN portal [1].", chunks=3)
    thread = ask_in_dm(rig.app, "how do I reset my VPN password?")
    rig.app.slack.wait_for("chat.stopStream")
    refused, started = rig.app.slack.calls_to("chat.startStream")
    assert "chunks" in refused.params and "chunks" not in started.params
    assert all("chunks" not in c.params for c in rig.app.slack.calls_to("chat.stopStream"))
    [message] = [m for m in rig.app.slack.messages("D111", thread_ts=thread) if m.get("bot_id")]
    assert message["text"] == "Use the VPN portal \\[1]." and message["blocks"]
    assert rig.app.slack.calls_to("chat.postMessage") == []


def test_a_workspace_without_streaming_gets_one_posted_and_updated_reply(rig: Rig) -> None:
    rig.app.slack.disable_streaming()
    rig.llm.reply_with("Use the VPN portal [1].", chunks=3)
    thread = ask_in_dm(rig.app, "how do I reset my VPN password?")
    rig.app.slack.wait_for("chat.update")
    rig.app.drain()
    [message] = [m for m in rig.app.slack.messages("D111", thread_ts=thread) if m.get("bot_id")]
    assert "Use the VPN portal" in json.dumps(message["blocks"])
    assert len(rig.app.slack.calls_to("chat.postMessage")) == 1


def test_offline_answers_say_they_were_written_from_the_passages(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    knowledge: KnowledgeBase = write_knowledge(tmp_path / "kb", {"vpn.md": VPN})
    with running_app(store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock) as app:
        thread = ask_in_dm(app, "how do I reset my VPN password?")
        app.slack.wait_for("chat.stopStream")
        model = app.slack.tasks("D111", reply_ts(app.slack, "D111", thread))["model"]
    assert model["title"] == "Wrote an answer from the passages"
    assert model["status"] == "complete"
