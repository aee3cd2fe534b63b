"""Urgent pings over signed HTTP: queued, coalesced per owner, never dropped, sent where the
owner is (a DM or its channel), with Open and owner-only Hide buttons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.vocabulary import ActionId
from handlers.feedback.urgent_actions import HIDDEN_NOTICE, NOT_YOURS
from handlers.feedback.urgent_flush import UrgentPingFlusher
from storage import Store
from storage.models import Answer, Owner
from tests.fakes import payloads
from tests.fakes.feedback_kit import FeedbackKit, feedback_app, modal_values
from tests.fakes.slack_api import RecordedCall


@pytest.fixture
def kit(store: Store, clock: ManualClock) -> Iterator[FeedbackKit]:
    """The real app on fake Slack with the feedback recorder draining explicitly."""
    with feedback_app(store, clock) as k:
        yield k


def _owner(store: Store, slack_id: str = "U0PEOPLE", **fields: object) -> Owner:
    with store.session() as session:
        owner = Owner(
            name="People team",
            slack_id=slack_id,
            channels=["C111"],
            created_at=store.now(),
            **fields,  # type: ignore[arg-type]
        )
        session.add(owner)
    return owner


class Reporter:
    """Sends reports through the Report button and modal, counting the writes."""

    def __init__(self, kit: FeedbackKit) -> None:
        self.kit = kit
        self.sent = 0

    def report(self, answer: Answer, reason: str, user: str) -> None:
        self.kit.click(answer, ActionId.REPORT, "report", user=user)
        self.sent += 1
        opened = self.kit.harness.slack.wait_for("views.open", count=self.sent)[-1]
        view = opened.response["view"]
        values = modal_values(reason)
        self.kit.submit(
            ActionId.REASON_MODAL, view["id"], view["private_metadata"], values, user=user
        )
        self.kit.wait(self.sent)
        self.kit.harness.slack.wait_for("chat.postEphemeral", count=self.sent)  # told it's logged


def _pings(kit: FeedbackKit) -> list[RecordedCall]:
    return [
        c
        for c in kit.harness.slack.calls_to("chat.postMessage")
        if c.status == 200 and c.response.get("ok")
    ]


def _flush(kit: FeedbackKit) -> None:
    UrgentPingFlusher(kit.harness.runtime, kit.harness.app.client).tick()


def _listed(call: RecordedCall) -> str:
    return json.dumps(call.params["blocks"], ensure_ascii=False)


def test_two_urgent_reports_within_the_interval_come_as_one_ping_listing_both(
    kit: FeedbackKit, clock: ManualClock
) -> None:
    _owner(kit.store)
    reporter = Reporter(kit)
    first = kit.answer(question="Can I share my password?")
    reporter.report(first, "unsafe", "U1")
    [ping] = _pings(kit)  # the owner had no ping yet: at once
    assert ping.params["channel"] == "D0PEOPLE"
    assert "Can I share my password?" in _listed(ping)
    second = kit.answer(question="Is <!channel> ok to use?")
    third = kit.answer(question="Where do I get the admin password?")
    reporter.report(second, "unsafe", "U2")
    reporter.report(third, "unsafe", "U3")
    _flush(kit)
    assert len(_pings(kit)) == 1  # within the interval: queued, not dropped
    clock.advance(timedelta(hours=1, minutes=1))
    _flush(kit)
    _flush(kit)  # a second tick finds nothing left
    pings = _pings(kit)
    assert len(pings) == 2
    listed = _listed(pings[1])
    assert "Is &lt;!channel&gt; ok to use?" in listed and "<!channel>" not in listed
    assert "Where do I get the admin password?" in listed
    assert "Can I share my password?" not in listed
    assert pings[1].params["text"].startswith(":rotating_light: 2 urgent reports")


def test_the_same_person_reporting_three_times_is_not_urgent(kit: FeedbackKit) -> None:
    _owner(kit.store)
    reporter = Reporter(kit)
    answer = kit.answer()
    for _ in range(3):
        reporter.report(answer, "wrong_facts", "U1")
    _flush(kit)
    assert _pings(kit) == []
    assert kit.store.urgent_ping_for_answer(answer.id or 0) is None


def test_three_different_people_make_it_urgent_and_the_ping_counts_people(
    kit: FeedbackKit,
) -> None:
    _owner(kit.store)
    reporter = Reporter(kit)
    answer = kit.answer(question="How many vacation days do I get?")
    for user in ("U1", "U1", "U2", "U3"):
        reporter.report(answer, "wrong_facts", user)
    [ping] = _pings(kit)
    assert "3 people reported it · reported by 3 people" in _listed(ping)


def test_a_failed_send_stays_pending_and_a_later_flush_sends_it_once(kit: FeedbackKit) -> None:
    _owner(kit.store)
    slack = kit.harness.slack
    slack.fail_next("chat.postMessage", status=500, times=5)  # past the client's own retry
    answer = kit.answer(question="Can I bypass the VPN?")
    Reporter(kit).report(answer, "unsafe", "U1")
    assert _pings(kit) == []
    row = kit.store.urgent_ping_for_answer(answer.id or 0)
    assert row is not None and row.sent_at is None  # kept, not lost
    while len(slack.calls_to("chat.postMessage")) < 5:
        _flush(kit)  # each try fails and releases the row again
    _flush(kit)
    _flush(kit)
    [ping] = _pings(kit)
    assert "Can I bypass the VPN?" in _listed(ping)
    row = kit.store.urgent_ping_for_answer(answer.id or 0)
    assert row is not None and (row.channel_id, row.message_ts) == ("D0PEOPLE", ping.response["ts"])


def test_an_owner_that_is_a_channel_gets_its_ping_in_that_channel(kit: FeedbackKit) -> None:
    _owner(kit.store, slack_id="C0PEOPLEDESK")
    Reporter(kit).report(kit.answer(), "unsafe", "U1")
    [ping] = _pings(kit)
    assert ping.params["channel"] == "C0PEOPLEDESK"
    assert kit.harness.slack.calls_to("conversations.open") == []
    assert kit.harness.slack.messages("C0PEOPLEDESK")[-1]["ts"] == ping.response["ts"]


def test_the_ping_opens_the_thread_by_its_permalink(kit: FeedbackKit) -> None:
    _owner(kit.store)
    answer = kit.answer()
    Reporter(kit).report(answer, "unsafe", "U1")
    [ping] = _pings(kit)
    buttons = [e for b in ping.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    opener = next(b for b in buttons if b["action_id"] == ActionId.URGENT_OPEN)
    ts = (answer.message_ts or "").replace(".", "")
    assert opener["url"] == f"https://example.slack.com/archives/C111/p{ts}"
    assert any(b["action_id"] == ActionId.URGENT_HIDE and "confirm" in b for b in buttons)


def _hide(kit: FeedbackKit, ping: RecordedCall, answer: Answer, user: str) -> None:
    body = payloads.block_action(
        ActionId.URGENT_HIDE,
        str(answer.id),
        user=user,
        channel=ping.response["channel"],
        message_ts=ping.response["ts"],
        block_id=f"lastmile_urgent_{answer.id}",
        message_blocks=ping.params["blocks"],
    )
    assert kit.harness.sender.send_interactive(body).status == 200


def _seeded_answer(kit: FeedbackKit) -> Answer:
    answer = kit.answer(question="How do I disable the firewall?", text="Run `ufw disable`.")
    kit.harness.slack.seed_message(
        "C111", answer.text, "UBOT", ts=answer.message_ts, thread_ts=answer.thread_ts
    )
    return answer


def _answer_text(kit: FeedbackKit, answer: Answer) -> str:
    [message] = [
        m
        for m in kit.harness.slack.messages("C111", answer.thread_ts)
        if m["ts"] == answer.message_ts
    ]
    return str(message["text"])


def test_only_the_owners_people_can_hide_the_answer(kit: FeedbackKit) -> None:
    _owner(kit.store, slack_id="C0PEOPLEDESK", members=["U0LEAD"])
    answer = _seeded_answer(kit)
    Reporter(kit).report(answer, "unsafe", "U1")
    [ping] = _pings(kit)
    _hide(kit, ping, answer, "U0STRANGER")
    [told] = [
        e
        for e in kit.harness.slack.wait_for("chat.postEphemeral", count=2)
        if e.params["user"] == "U0STRANGER"
    ]
    assert told.params["text"] == NOT_YOURS
    assert _answer_text(kit, answer) == "Run `ufw disable`."
    _hide(kit, ping, answer, "U0LEAD")
    kit.harness.slack.wait_for("chat.update", count=2)
    assert _answer_text(kit, answer) == HIDDEN_NOTICE
    [updated] = [
        m for m in kit.harness.slack.messages("C0PEOPLEDESK") if m["ts"] == ping.response["ts"]
    ]
    assert "Answer hidden by <@U0LEAD>" in json.dumps(updated["blocks"])


def test_user_group_members_may_hide_and_a_failed_lookup_falls_back_to_listed_members(
    store: Store, clock: ManualClock
) -> None:
    with feedback_app(store, clock) as kit:
        _owner(kit.store, slack_id="C0PEOPLEDESK", member_groups=["S0PEOPLE"])
        kit.harness.slack.fail_next("usergroups.users.list", error="missing_scope")
        answer = _seeded_answer(kit)
        Reporter(kit).report(answer, "unsafe", "U1")
        [ping] = _pings(kit)
        kit.harness.slack.set_usergroup("S0PEOPLE", "U0GROUPIE")
        _hide(kit, ping, answer, "U0GROUPIE")  # Slack can't say: listed members only
        kit.harness.slack.wait_for("chat.postEphemeral", count=2)
        assert _answer_text(kit, answer) == "Run `ufw disable`."
        _hide(kit, ping, answer, "U0GROUPIE")  # asked again (failures are not cached)
        kit.harness.slack.wait_for("chat.update", count=2)
        assert _answer_text(kit, answer) == HIDDEN_NOTICE
        calls = kit.harness.slack.calls_to("usergroups.users.list")
        assert [c.params["usergroup"] for c in calls] == ["S0PEOPLE", "S0PEOPLE"]
