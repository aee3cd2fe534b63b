"""Help channels: a top-level question answered without a mention, where the workspace file opts
the channel in; everything else Slack sends from channels is dropped before it is stored.
Driven with Slack's own message.channels payload shape, signed, into the real app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.workspace import load_workspace_file
from storage import Store
from tests.fakes import payloads
from tests.fakes.slack_app import AppHarness, running_app, stored_questions, write_knowledge

KNOWLEDGE = {"it/vpn.md": "# VPN guide\n\nEveryone uses WireGuard for the VPN.\n"}
WORKSPACE = """
[[channel]]
id = "C0HELP"
answer_without_mention = true

[[channel]]
id = "C0QUIET"
answer_without_mention = true
feedback = false
"""
QUESTION = "which VPN do we use?"


@pytest.fixture
def harness(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The real app with two help channels opted in."""
    knowledge: KnowledgeBase = write_knowledge(tmp_path / "knowledge", KNOWLEDGE)
    path = tmp_path / "workspace.toml"
    path.write_text(WORKSPACE, encoding="utf-8")
    with running_app(
        store,
        answerer=OfflineAnswerer(),
        knowledge=knowledge,
        clock=clock,
        workspace=load_workspace_file(path),
    ) as h:
        yield h


def test_a_top_level_question_in_a_help_channel_is_answered_in_its_thread(
    harness: AppHarness,
) -> None:
    event = payloads.channel_message(QUESTION, channel="C0HELP", user="W333")
    harness.sender.send_event(event)
    [stop] = harness.slack.wait_for("chat.stopStream")
    [start] = harness.slack.calls_to("chat.startStream")
    assert start.params["channel"] == "C0HELP"
    assert start.params["thread_ts"] == event["event"]["ts"]
    assert start.params["recipient_user_id"] == "W333"  # outside a DM Slack needs the recipient
    harness.drain()
    [question] = stored_questions(harness.runtime.store)
    assert (question.text, question.via, question.user_id) == (QUESTION, "channel", "W333")


def test_a_redelivered_help_channel_question_is_answered_once(harness: AppHarness) -> None:
    event = payloads.channel_message(QUESTION, channel="C0HELP")
    harness.sender.send_event(event)
    harness.sender.send_event(event, retry_num=1, retry_reason="http_timeout")
    harness.slack.wait_for("chat.stopStream")
    harness.drain()
    assert len(harness.slack.calls_to("chat.startStream")) == 1
    assert len(stored_questions(harness.runtime.store)) == 1


@pytest.mark.parametrize(
    "event",
    [
        payloads.channel_message(QUESTION, channel="C0OTHER"),  # not opted in
        payloads.channel_message(QUESTION, channel="C0HELP", thread_ts="1600000000.000100"),
    ],
    ids=["channel-not-opted-in", "thread-reply"],
)
def test_other_channel_messages_are_not_stored_or_answered(
    harness: AppHarness, event: dict[str, object]
) -> None:
    reply = harness.sender.send_event(event)
    assert reply.status == 200
    harness.drain()
    assert harness.runtime.store.get_event(str(event["event_id"])) is None  # nothing kept
    assert not harness.slack.calls_to("chat.startStream")
    assert not harness.slack.calls_to("chat.postMessage")
    assert stored_questions(harness.runtime.store) == []


def test_a_mention_in_a_help_channel_is_answered_once_not_twice(harness: AppHarness) -> None:
    ts = "1700000000.000200"
    text = f"<@UBOT> {QUESTION}"
    harness.sender.send_event(payloads.channel_message(text, channel="C0HELP", ts=ts))
    harness.sender.send_event(payloads.app_mention(text, channel="C0HELP", ts=ts))
    harness.slack.wait_for("chat.stopStream")
    harness.drain()
    assert len(harness.slack.calls_to("chat.startStream")) == 1
    [question] = stored_questions(harness.runtime.store)
    assert question.via == "mention"


def test_a_channel_with_feedback_off_gets_answers_without_controls(harness: AppHarness) -> None:
    harness.sender.send_event(payloads.channel_message(QUESTION, channel="C0QUIET"))
    [stop] = harness.slack.wait_for("chat.stopStream")
    kinds = [block["type"] for block in stop.params["blocks"]]
    assert "context_actions" not in kinds and "actions" not in kinds  # no thumbs, no buttons
    assert kinds == ["context"]  # the sources / confidence line stays


def test_a_help_channel_answer_keeps_its_feedback_controls(harness: AppHarness) -> None:
    harness.sender.send_event(payloads.channel_message(QUESTION, channel="C0HELP"))
    [stop] = harness.slack.wait_for("chat.stopStream")
    assert "context_actions" in [block["type"] for block in stop.params["blocks"]]
