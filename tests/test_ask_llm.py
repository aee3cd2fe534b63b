"""Asking with the real Anthropic SDK pointed at the fake Anthropic server, over real Slack wires.

Covers what needs a real provider: thread history reaching the model, provider failures and
timeouts, hostile model output, oversized questions that must never reach the model, and
verified answers served before the model is asked. SQLite and PostgreSQL both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anthropic
import pytest

from bot.answering import MAX_QUESTION_CHARS, KnowledgeBase
from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.core import FAILURE_MESSAGE, TIMEOUT_MESSAGE
from bot.clock import ManualClock
from storage import Store
from storage.models import VerifiedAnswer
from tests.fakes import payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.slack_app import (
    AppHarness,
    all_call_text,
    running_app,
    stored_answers,
    write_knowledge,
)

VPN = "# VPN guide\n\nReset the VPN password in the VPN portal with Forgot password.\n"
HOSTILE = (
    "<!channel> <!here> <!subteam^S123|@oncall> <https://evil.example|the wiki> "
    "[the wiki](https://evil.example)"
)
LIVE = ("<!channel>", "<!here>", "<!subteam^", "<https://evil")
MARKDOWN_LINK = re.compile(r"(?<!\\)\[the wiki\]\(")


@dataclass(frozen=True)
class Rig:
    """The app plus the fake model server it talks to."""

    app: AppHarness
    llm: FakeAnthropicServer


@pytest.fixture
def answer_timeout_s() -> float:
    """The answer deadline: roomy, so a busy machine never turns an answer into a timeout."""
    return 10.0


@pytest.fixture
def rig(store: Store, clock: ManualClock, tmp_path: Path, answer_timeout_s: float) -> Iterator[Rig]:
    """Real app, real Anthropic SDK, fake servers on both sides."""
    knowledge: KnowledgeBase = write_knowledge(tmp_path / "kb", {"vpn.md": VPN})
    with FakeAnthropicServer() as llm:
        client = anthropic.Anthropic(api_key="test", base_url=llm.base_url, max_retries=0)
        answerer = AnthropicAnswerer(client, model="claude-test")
        with running_app(
            store,
            answerer=answerer,
            knowledge=knowledge,
            clock=clock,
            answer_timeout_s=answer_timeout_s,
        ) as app:
            yield Rig(app, llm)


def mention(rig: Rig, text: str, thread_ts: str | None = None) -> str:
    """Send a signed @mention; returns the thread the answer goes to."""
    event = payloads.app_mention(f"<@UBOT> {text}", thread_ts=thread_ts)
    assert rig.app.sender.send_event(event).status == 200
    return thread_ts or str(event["event"]["ts"])


def test_streamed_llm_answer_records_model_and_prompt_version(rig: Rig) -> None:
    rig.llm.reply_with("Use the VPN portal and click Forgot password [1].", chunks=4)
    thread = mention(rig, "how do I reset the VPN password?")
    rig.app.slack.wait_for("chat.stopStream")
    [message] = rig.app.slack.messages("C111", thread_ts=thread)
    # Streamed as markdown: `[` is escaped so the model can't write a disguised link.
    assert message["text"] == "Use the VPN portal and click Forgot password \\[1]."
    rig.app.drain()
    [answer] = stored_answers(rig.app.runtime.store)
    assert (answer.provider, answer.model) == ("anthropic", "claude-test")
    assert answer.prompt_version == rig.app.runtime.prompt.version


def test_follow_up_in_thread_sends_earlier_turn_to_the_model(rig: Rig) -> None:
    rig.llm.reply_with("Use the VPN portal [1].")
    rig.llm.reply_with("On a Mac it is the same portal [1].")
    thread = mention(rig, "how do I reset the VPN password?")
    rig.app.slack.wait_for("chat.stopStream")
    mention(rig, "and on a Mac?", thread_ts=thread)
    rig.app.slack.wait_for("chat.stopStream", count=2)
    messages = rig.llm.requests[1].body["messages"]
    assert "how do I reset the VPN password?" in messages[0]["content"]
    assert messages[1] == {"role": "assistant", "content": "Use the VPN portal [1]."}
    assert "and on a Mac?" in messages[-1]["content"]


def test_provider_error_gives_clear_message_and_stores_error(rig: Rig) -> None:
    rig.llm.fail_with(500, times=2)  # the first attempt and its one retry
    thread = mention(rig, "how do I reset the VPN password?")
    rig.app.slack.wait_for("chat.stopStream")
    [message] = rig.app.slack.messages("C111", thread_ts=thread)
    assert FAILURE_MESSAGE in message["text"]
    assert "lastmile_feedback" not in json.dumps(message.get("blocks"))
    rig.app.drain()
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.error and "500" in answer.error and answer.message_ts is not None


@pytest.mark.parametrize("answer_timeout_s", [1.0])  # the model stalls for 30 s
def test_provider_timeout_gives_clear_message_and_stores_error(rig: Rig) -> None:
    rig.llm.stall(30)
    thread = mention(rig, "how do I reset the VPN password?")
    rig.app.slack.wait_for("chat.stopStream", timeout=10)
    [message] = rig.app.slack.messages("C111", thread_ts=thread)
    assert TIMEOUT_MESSAGE in message["text"]
    rig.app.drain()
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.error and "timeout" in answer.error


@pytest.mark.parametrize("streaming", [True, False])
def test_hostile_model_output_and_question_never_reach_slack_live(
    rig: Rig, streaming: bool
) -> None:
    if not streaming:
        rig.app.slack.disable_streaming()
    rig.llm.reply_with(HOSTILE, chunks=5)
    mention(rig, f"VPN password? {HOSTILE}")
    rig.app.drain()
    sent = all_call_text(rig.app.slack)
    assert "evil.example" in sent  # the text did reach Slack, only inert
    for live in LIVE:
        assert live not in sent
    streamed = [c for c in rig.app.slack.calls if c.method.endswith("Stream")]
    assert not MARKDOWN_LINK.search("".join(json.dumps(c.params) for c in streamed))


def test_oversized_question_gets_clear_reply_and_no_model_call(rig: Rig) -> None:
    thread = mention(rig, "x" * (MAX_QUESTION_CHARS + 1))
    [reply] = rig.app.slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == thread and "at most 4,000" in reply.params["text"]
    rig.app.drain()
    assert rig.llm.requests == [] and stored_answers(rig.app.runtime.store) == []


def test_verified_answer_is_served_for_a_paraphrase_without_the_model(rig: Rig) -> None:
    with rig.app.runtime.store.session() as session:
        session.add(
            VerifiedAnswer(
                question="How do I reset my VPN password?",
                answer="Go to https://vpn.example/reset and follow the email.",
                approved_by="U999",
                approved_by_name="Dana <!channel>",
                created_at=datetime(2026, 11, 2, tzinfo=UTC),
            )
        )
    thread = mention(rig, "I forgot my VPN password, how can I reset it?")
    rig.app.slack.wait_for("chat.stopStream")
    [message] = rig.app.slack.messages("C111", thread_ts=thread)
    assert message["text"].startswith("Go to https://vpn.example/reset")
    assert "Verified by Dana &lt;!channel&gt;, 2026-11-02" in json.dumps(message["blocks"])
    rig.app.drain()
    assert rig.llm.requests == []
    [answer] = stored_answers(rig.app.runtime.store)
    assert answer.provider == "verified" and answer.verified_answer_id is not None
