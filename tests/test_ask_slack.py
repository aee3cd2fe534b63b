"""Asking over real Slack wires: signed requests to the real Bolt app, answers on the fake Web API.

The answerer is the real offline provider over a knowledge folder on disk; every test runs on
SQLite and PostgreSQL (the `store` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OFFLINE_MODEL, OfflineAnswerer
from bot.clock import ManualClock
from bot.vocabulary import ActionId
from bot.workspace import default_workspace_config
from handlers.ask import process_question_event
from handlers.ask.command import LOOKING_IT_UP
from storage import Store
from tests.fakes import payloads
from tests.fakes.response_url import response_url
from tests.fakes.slack_app import (
    AppHarness,
    running_app,
    stored_answers,
    stored_questions,
    write_knowledge,
)

KNOWLEDGE = {
    "it/vpn.md": (
        "---\ntitle: VPN guide\nurl: https://wiki.example/vpn\n---\n"
        "# VPN guide\n\nEveryone uses WireGuard for the VPN.\n\n## Resetting your VPN password\n\n"
        "Open the VPN portal and click Forgot password. Resets reach every server in minutes.\n"
    ),
    "hr/leave.md": "# Leave policy\n\nParental leave is 20 weeks at full pay.\n",
}
QUESTION = "how do I reset my VPN password?"


@pytest.fixture
def knowledge(tmp_path: Path) -> KnowledgeBase:
    """A small knowledge folder on disk."""
    return write_knowledge(tmp_path / "knowledge", KNOWLEDGE)


@pytest.fixture
def harness(store: Store, knowledge: KnowledgeBase, clock: ManualClock) -> Iterator[AppHarness]:
    """The real app with the offline answerer."""
    with running_app(store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock) as h:
        yield h


def block_types(message: dict[str, object]) -> list[object]:
    """The `type` of each block of a message."""
    blocks = message.get("blocks")
    assert isinstance(blocks, list)
    return [block["type"] for block in blocks]


def test_mention_streams_answer_in_thread_with_sources_and_controls(harness: AppHarness) -> None:
    event = payloads.app_mention(f"<@UBOT> {QUESTION}", user="U222")
    assert harness.sender.send_event(event).status == 200
    [stop] = harness.slack.wait_for("chat.stopStream")
    [start] = harness.slack.calls_to("chat.startStream")
    mention_ts = event["event"]["ts"]
    assert start.params["thread_ts"] == mention_ts
    assert (start.params["recipient_user_id"], start.params["recipient_team_id"]) == (
        "U222",
        "T111",
    )
    [message] = harness.slack.messages("C111", thread_ts=mention_ts)
    assert "Forgot password" in message["text"]
    assert block_types(message) == ["context", "context_actions", "actions"]
    assert "<https://wiki.example/vpn|VPN guide>" in json.dumps(message["blocks"][0])
    controls = json.dumps(message["blocks"][1:])
    for action_id in (ActionId.FEEDBACK_BUTTONS, ActionId.CORRECT_IT, ActionId.REPORT):
        assert action_id in controls
    harness.drain()
    [answer] = stored_answers(harness.runtime.store)
    assert (answer.channel_id, answer.message_ts) == ("C111", stop.response["ts"])
    assert answer.thread_ts == mention_ts and answer.error is None
    assert (answer.provider, answer.model) == ("offline", OFFLINE_MODEL)
    assert answer.prompt_version == "offline-extractive@1"
    assert answer.sources[0]["title"] == "VPN guide"
    [question] = stored_questions(harness.runtime.store)
    assert (question.text, question.via) == (QUESTION, "mention")
    recorded = harness.runtime.store.get_event(event["event_id"])
    assert recorded is not None and recorded.status == "done"  # taken through run_once


def test_mention_inside_a_thread_answers_in_that_thread(harness: AppHarness) -> None:
    event = payloads.app_mention(f"<@UBOT> {QUESTION}", thread_ts="1600000000.000001")
    harness.sender.send_event(event)
    [start] = harness.slack.wait_for("chat.startStream")
    assert start.params["thread_ts"] == "1600000000.000001"


def test_direct_message_is_answered_in_its_thread_without_recipient(harness: AppHarness) -> None:
    event = payloads.dm(QUESTION, user="W222", channel="D111")
    harness.sender.send_event(event)
    harness.slack.wait_for("chat.stopStream")
    [start] = harness.slack.calls_to("chat.startStream")
    assert start.params["channel"] == "D111" and start.params["thread_ts"] == event["event"]["ts"]
    assert "recipient_user_id" not in start.params
    harness.drain()
    [question] = stored_questions(harness.runtime.store)
    assert question.via == "dm" and question.user_id == "W222"


def test_assistant_pane_greets_then_answers_with_status_and_title(harness: AppHarness) -> None:
    """An install still on `assistant_view` (Bolt's Assistant) gets the same configured texts."""
    agent = default_workspace_config().agent
    started = payloads.assistant_thread_started(user="W222", channel="D111")
    thread_ts = started["event"]["assistant_thread"]["thread_ts"]
    harness.sender.send_event(started)
    [greeting] = harness.slack.wait_for("chat.postMessage")
    [prompts] = harness.slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert agent.greeting in greeting.params["text"] and agent.disclaimer in greeting.params["text"]
    assert greeting.params["thread_ts"] == thread_ts
    assert [p["message"] for p in prompts.params["prompts"]] == [p.message for p in agent.prompts]
    harness.sender.send_event(payloads.dm(QUESTION, channel="D111", thread_ts=thread_ts))
    [status] = harness.slack.wait_for("assistant.threads.setStatus")
    [title] = harness.slack.wait_for("assistant.threads.setTitle")
    [stop] = harness.slack.wait_for("chat.stopStream")
    assert status.params["status"] == agent.status and title.params["title"] == QUESTION
    [start] = harness.slack.calls_to("chat.startStream")
    assert start.params["thread_ts"] == thread_ts
    harness.drain()
    [question] = stored_questions(harness.runtime.store)
    assert question.via == "assistant"


def test_ask_command_acks_then_answers_under_a_visible_question(harness: AppHarness) -> None:
    reply = harness.sender.send_command(payloads.slash_command("/ask", QUESTION, user="W111"))
    assert reply.status == 200 and LOOKING_IT_UP in reply.body
    [posted] = harness.slack.wait_for("chat.postMessage")
    [stop] = harness.slack.wait_for("chat.stopStream")
    assert "&lt;" not in posted.params["text"] and QUESTION in posted.params["text"]
    thread_ts = posted.response["ts"]
    thread = harness.slack.messages("C111", thread_ts=thread_ts)
    assert [m["ts"] for m in thread] == [thread_ts, stop.response["ts"]]
    harness.drain()
    [answer] = stored_answers(harness.runtime.store)
    assert answer.message_ts == stop.response["ts"] and answer.thread_ts == thread_ts


def test_ask_command_text_is_stored_as_typed_and_escaped_once(harness: AppHarness) -> None:
    # Slack encodes what the person typed ("R&D <intern> budget?") as entities.
    typed = "What is the R&amp;D &lt;intern&gt; budget?"
    harness.sender.send_command(payloads.slash_command("/ask", typed, user="W111"))
    [posted] = harness.slack.wait_for("chat.postMessage")
    harness.slack.wait_for("chat.stopStream")
    harness.drain()
    [question] = stored_questions(harness.runtime.store)
    assert question.text == "What is the R&D <intern> budget?"
    assert "R&amp;D &lt;intern&gt;" in posted.params["text"]
    assert "&amp;amp;" not in posted.params["text"]


def test_ask_command_where_the_bot_cannot_post_says_so_privately(harness: AppHarness) -> None:
    harness.slack.fail_next("chat.postMessage", error="not_in_channel")
    with response_url() as hook:
        command = payloads.slash_command("/ask", QUESTION, user="W111")
        command["response_url"] = hook.url
        assert harness.sender.send_command(command).status == 200
        [reply] = hook.wait()
    harness.drain()
    assert reply["response_type"] == "ephemeral" and "/invite @lastmile" in reply["text"]
    assert stored_answers(harness.runtime.store) == []


def test_ask_command_without_question_says_how_and_posts_nothing(harness: AppHarness) -> None:
    reply = harness.sender.send_command(payloads.slash_command("/ask", "   "))
    assert "Ask me a question" in reply.body
    harness.drain()
    assert harness.slack.calls_to("chat.postMessage") == []
    assert stored_questions(harness.runtime.store) == []


def test_streaming_unavailable_falls_back_to_post_and_update(harness: AppHarness) -> None:
    harness.slack.disable_streaming()
    event = payloads.app_mention(f"<@UBOT> {QUESTION}")
    harness.sender.send_event(event)
    [update] = harness.slack.wait_for("chat.update")
    [post] = harness.slack.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == event["event"]["ts"]
    [message] = harness.slack.messages("C111", thread_ts=event["event"]["ts"])
    assert block_types(message) == ["section", "context", "context_actions", "actions"]
    assert "Forgot password" in json.dumps(message["blocks"][0])
    harness.drain()
    [answer] = stored_answers(harness.runtime.store)
    assert answer.message_ts == post.response["ts"] == update.params["ts"]


def test_rate_limited_post_is_retried_and_answer_arrives_once(harness: AppHarness) -> None:
    harness.slack.disable_streaming()
    harness.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    event = payloads.app_mention(f"<@UBOT> {QUESTION}")
    harness.sender.send_event(event)
    harness.slack.wait_for("chat.update")
    statuses = [call.status for call in harness.slack.calls_to("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(harness.slack.messages("C111", thread_ts=event["event"]["ts"])) == 1


def test_processing_an_answered_event_again_is_a_no_op(harness: AppHarness) -> None:
    event = payloads.app_mention(f"<@UBOT> {QUESTION}")
    harness.sender.send_event(event)
    harness.drain()
    calls = len(harness.slack.calls)
    client = harness.slack.client()
    result = process_question_event(harness.runtime, client, event["event_id"], event)
    assert result.already_answered and len(harness.slack.calls) == calls
    assert len(stored_answers(harness.runtime.store)) == 1
