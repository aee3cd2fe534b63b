"""The agent messaging experience (`agent_view`), as Slack drives it: the Messages tab opens,
prompts appear at its top, a greeting with the AI disclaimer arrives once, DMs are answered with
a status and a title. Payloads are Slack's own (tests/data/slack-payloads), sent signed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.workspace import WorkspaceConfig, default_workspace_config, load_workspace_file
from storage import Store
from tests.fakes import payloads
from tests.fakes.slack_app import AppHarness, running_app, write_knowledge

KNOWLEDGE = {"it/vpn.md": "# VPN guide\n\nEveryone uses WireGuard for the VPN.\n"}
CUSTOM = """
[agent]
greeting = "Welcome to Acme's help desk bot."
disclaimer = "AI-generated: double-check before acting."
prompts_title = "Popular questions"
[[agent.prompts]]
title = "Laptop"
message = "How do I get a new laptop?"

[workspace.T222]
greeting = "Hello, second workspace."
"""


@pytest.fixture
def knowledge(tmp_path: Path) -> KnowledgeBase:
    """A one-page knowledge folder."""
    return write_knowledge(tmp_path / "knowledge", KNOWLEDGE)


def harness_with(
    store: Store, knowledge: KnowledgeBase, clock: ManualClock, workspace: WorkspaceConfig
) -> Iterator[AppHarness]:
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock, workspace=workspace
    ) as harness:
        yield harness


@pytest.fixture
def harness(store: Store, knowledge: KnowledgeBase, clock: ManualClock) -> Iterator[AppHarness]:
    """The real app on the packaged workspace defaults."""
    yield from harness_with(store, knowledge, clock, default_workspace_config())


@pytest.fixture
def custom(
    store: Store, knowledge: KnowledgeBase, clock: ManualClock, tmp_path: Path
) -> Iterator[AppHarness]:
    """The real app on a workspace file of the company's own."""
    path = tmp_path / "workspace.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    yield from harness_with(store, knowledge, clock, load_workspace_file(path))


def prompts_of(params: dict[str, object]) -> list[dict[str, str]]:
    raw = params["prompts"]
    value = json.loads(raw) if isinstance(raw, str) else raw
    assert isinstance(value, list)
    return value


def test_opening_the_messages_tab_sets_prompts_without_thread_and_greets(
    harness: AppHarness,
) -> None:
    agent = default_workspace_config().agent
    harness.sender.send_event(payloads.app_home_opened(tab="messages", channel="D111"))
    [greeting] = harness.slack.wait_for("chat.postMessage")
    [prompts] = harness.slack.calls_to("assistant.threads.setSuggestedPrompts")
    assert "thread_ts" not in prompts.params  # with one, Slack drops it silently for agent apps
    assert prompts.params["channel_id"] == "D111"
    assert prompts.params["title"] == agent.prompts_title
    assert [p["message"] for p in prompts_of(prompts.params)] == [p.message for p in agent.prompts]
    assert greeting.params["channel"] == "D111" and "thread_ts" not in greeting.params
    assert agent.greeting in greeting.params["text"]
    assert agent.disclaimer in greeting.params["text"]  # Slack's guidelines: say it's an AI
    assert not harness.slack.calls_to("views.publish")  # that's the Home tab's


def test_reopening_the_tab_offers_prompts_again_but_never_greets_twice(
    harness: AppHarness,
) -> None:
    first = payloads.app_home_opened(tab="messages", channel="D111")
    harness.sender.send_event(first)
    harness.slack.wait_for("chat.postMessage")
    harness.sender.send_event(first, retry_num=1)  # Slack's redelivery of the same event
    harness.sender.send_event(payloads.app_home_opened(tab="messages", channel="D111"))
    harness.slack.wait_for("assistant.threads.setSuggestedPrompts", count=2)
    harness.drain()
    assert len(harness.slack.calls_to("chat.postMessage")) == 1
    assert len(harness.slack.calls_to("assistant.threads.setSuggestedPrompts")) == 2


def test_greeting_and_prompts_come_from_the_workspace_file(custom: AppHarness) -> None:
    custom.sender.send_event(payloads.app_home_opened(tab="messages", channel="D111"))
    [greeting] = custom.slack.wait_for("chat.postMessage")
    [prompts] = custom.slack.calls_to("assistant.threads.setSuggestedPrompts")
    assert "Welcome to Acme's help desk bot." in greeting.params["text"]
    assert "AI-generated: double-check before acting." in greeting.params["text"]
    assert prompts.params["title"] == "Popular questions"
    assert prompts_of(prompts.params) == [
        {"title": "Laptop", "message": "How do I get a new laptop?"}
    ]


def test_a_workspace_of_an_org_install_gets_its_own_greeting(custom: AppHarness) -> None:
    opened = payloads.app_home_opened(tab="messages", channel="D333")
    opened["team_id"] = "T222"
    custom.sender.send_event(opened)
    [greeting] = custom.slack.wait_for("chat.postMessage")
    assert "Hello, second workspace." in greeting.params["text"]
    assert "AI-generated" in greeting.params["text"]  # the rest is inherited from [agent]


def test_a_question_in_the_messages_tab_shows_status_title_then_streams(
    harness: AppHarness,
) -> None:
    agent = default_workspace_config().agent
    event = payloads.dm("which VPN do we use?", user="W222", channel="D111")
    harness.sender.send_event(event)
    [stop] = harness.slack.wait_for("chat.stopStream")
    [status] = harness.slack.calls_to("assistant.threads.setStatus")
    [title] = harness.slack.calls_to("assistant.threads.setTitle")
    ts = event["event"]["ts"]
    assert (status.params["channel_id"], status.params["thread_ts"]) == ("D111", ts)
    assert status.params["status"] == agent.status
    loading = status.params["loading_messages"]
    loading = json.loads(loading) if isinstance(loading, str) else loading
    assert loading == list(agent.loading_messages)
    assert title.params["title"] == "which VPN do we use?"
    [start] = harness.slack.calls_to("chat.startStream")
    assert start.params["thread_ts"] == ts
    assert status.at <= start.at  # the status shows while the answer is prepared


def test_a_refused_status_does_not_stop_the_answer(harness: AppHarness) -> None:
    harness.slack.fail_next("assistant.threads.setStatus", error="not_allowed")
    harness.sender.send_event(payloads.dm("which VPN do we use?", channel="D111"))
    [stop] = harness.slack.wait_for("chat.stopStream")
    assert stop.params["channel"] == "D111"


def test_the_home_tab_carries_the_ai_disclaimer(harness: AppHarness) -> None:
    harness.sender.send_event(payloads.app_home_opened(tab="home", user="W222"))
    harness.slack.wait_for("views.publish")
    view = harness.slack.home_view("W222")
    assert view is not None
    assert default_workspace_config().agent.disclaimer in json.dumps(view["blocks"][0])
