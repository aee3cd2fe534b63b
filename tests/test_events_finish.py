"""Every accepted event ends `done` or `ignored`, so the resume sweep never repeats finished work.

Regression: quick listeners (reactions, App Home, the assistant greeting) once left their events
`received`, and the periodic sweep re-ran them minutes later (a second greeting, a second
"Thanks - logged"), while unsubscribed event types were retried every minute forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from handlers.app import build_app
from handlers.resume import resume_unfinished
from storage import Store
from tests.fakes import payloads
from tests.fakes.slack_app import AppHarness, running_app


@pytest.fixture
def harness(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The real app over HTTP with one stored answer to react to."""
    question = store.add_question(text="How many vacation days?", user_id="W222", channel_id="C111")
    assert question.id is not None
    store.add_answer(
        question_id=question.id, text="25 days.", provider="offline", model="m",
        prompt_version="p", channel_id="C111", message_ts="1700000000.000900",
    )  # fmt: skip
    kb = KnowledgeBase.load(None)
    with running_app(store, answerer=OfflineAnswerer(), knowledge=kb, clock=clock) as running:
        yield running


def _statuses(store: Store) -> dict[str, str]:
    return {row.event_id: row.status for row in store.unfinished_events(1000)}


def test_quick_events_finish_and_are_not_resumed(harness: AppHarness) -> None:
    sent = [
        payloads.reaction_added("-1", item_ts="1700000000.000900"),
        payloads.app_home_opened("W222"),
        payloads.assistant_thread_started(),
    ]
    for body in sent:
        assert harness.sender.send_event(body).status == 200
    harness.drain()
    store = harness.runtime.store
    assert _statuses(store) == {}
    for body in sent:
        row = store.get_event(str(body["event_id"]))
        assert row is not None and row.status == "done"
    greetings = len(harness.slack.calls_to("assistant.threads.setSuggestedPrompts"))
    report = resume_unfinished(harness.runtime, build_app(harness.runtime, synchronous=True))
    assert report.dispatched == 0
    assert len(harness.slack.calls_to("assistant.threads.setSuggestedPrompts")) == greetings == 1
    assert len(harness.slack.calls_to("views.publish")) == 1


def test_event_without_a_listener_is_ignored_not_retried(harness: AppHarness) -> None:
    body = payloads.reaction_added("-1", item_ts="1700000000.000900")
    body["event"] = {"type": "channel_created", "channel": {"id": "C999", "name": "new"}}
    reply = harness.sender.send_event(body)
    assert (
        reply.status == 200
    )  # acknowledged (stock Bolt says 404), so Slack keeps the subscription
    harness.drain()
    row = harness.runtime.store.get_event(str(body["event_id"]))
    assert row is not None and row.status == "ignored"
    assert harness.runtime.store.unfinished_events() == []
