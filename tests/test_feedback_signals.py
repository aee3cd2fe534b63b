"""Reactions, the "Report AI answer" shortcut and urgent pings, over signed HTTP on both DBs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.vocabulary import ActionId
from storage import Store
from storage.models import Answer, Owner
from tests.fakes import payloads
from tests.fakes.feedback_kit import FeedbackKit, feedback_app, modal_values


@pytest.fixture
def kit(store: Store, clock: ManualClock) -> Iterator[FeedbackKit]:
    """The real app on fake Slack with the feedback recorder draining explicitly."""
    with feedback_app(store, clock) as k:
        yield k


def react(
    kit: FeedbackKit, answer: Answer, name: str, *, added: bool = True, user: str = "W222"
) -> None:
    """Send a signed reaction_added/removed event on the answer's message."""
    build = payloads.reaction_added if added else payloads.reaction_removed
    event = build(name, item_ts=answer.message_ts or "", item_channel=answer.channel_id, user=user)
    assert kit.harness.sender.send_event(event).status == 200


def test_thumbsdown_reaction_added_then_removed(kit: FeedbackKit) -> None:
    answer = kit.answer()
    react(kit, answer, "-1")
    kit.wait(1)
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.source, row.user_id) == ("down", "reaction", "W222")
    kit.harness.slack.wait_for("chat.postEphemeral")  # the reactor is told it is logged
    react(kit, answer, "-1", added=False)
    kit.wait(2)
    assert kit.store.feedback_for_answer(answer.id or 0) == []


@pytest.mark.parametrize(
    ("name", "kind"), [("x", "down"), ("thumbsup", "up"), ("+1::skin-tone-3", "up")]
)
def test_reaction_names_map_to_votes(kit: FeedbackKit, name: str, kind: str) -> None:
    answer = kit.answer()
    react(kit, answer, name)
    kit.wait(1)
    assert [f.kind for f in kit.store.feedback_for_answer(answer.id or 0)] == [kind]


def test_reactions_elsewhere_are_ignored_and_removal_keeps_button_votes(kit: FeedbackKit) -> None:
    answer = kit.answer()
    elsewhere = Answer(
        question_id=0,
        provider="",
        model="",
        prompt_version="",
        channel_id="C999",
        message_ts="1700000555.000100",
        created_at=answer.created_at,
    )
    react(kit, elsewhere, "-1")
    kit.click_vote(answer, "down", user="W222")
    kit.wait(2)
    react(kit, answer, "-1", added=False)  # the button vote did not come from a reaction
    kit.wait(3)
    [(row, _, _)] = kit.store.export_rows()
    assert (row.kind, row.source, row.answer_id) == ("down", "button", answer.id)


def test_shortcut_on_an_answer_opens_the_report_modal_and_stores_a_report(kit: FeedbackKit) -> None:
    answer = kit.answer(question="Can I expense taxis?")
    body = payloads.message_shortcut(
        ActionId.REPORT_SHORTCUT,
        channel=answer.channel_id,
        message_ts=answer.message_ts,
        thread_ts=answer.thread_ts,
    )
    assert kit.harness.sender.send_interactive(body).status == 200
    [update] = kit.harness.slack.wait_for("views.update")
    assert "Can I expense taxis?" in json.dumps(update.params["view"])
    view = update.response["view"]
    kit.submit(
        ActionId.REASON_MODAL, view["id"], view["private_metadata"], modal_values("wrong_facts")
    )
    kit.wait(1)
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.reason, row.source) == ("report", "wrong_facts", "shortcut")


def test_shortcut_on_another_message_says_it_is_not_ours(kit: FeedbackKit) -> None:
    body = payloads.message_shortcut(
        ActionId.REPORT_SHORTCUT, message_user="U333", message_text="lunch?"
    )
    kit.harness.sender.send_interactive(body)
    [update] = kit.harness.slack.wait_for("views.update")
    assert "isn't an answer from lastmile" in json.dumps(update.params["view"])


def _owner(store: Store) -> Owner:
    with store.session() as session:
        owner = Owner(
            name="People team", slack_id="U0PEOPLE", channels=["C111"], created_at=store.now()
        )
        session.add(owner)
    return owner


def _report(kit: FeedbackKit, answer: Answer, reason: str, user: str, n: int) -> None:
    kit.click(answer, ActionId.REPORT, "report", user=user)
    opened = kit.harness.slack.wait_for("views.open", count=n)[-1]
    view = opened.response["view"]
    kit.submit(
        ActionId.REASON_MODAL,
        view["id"],
        view["private_metadata"],
        modal_values(reason),
        user=user,
    )


def test_unsafe_report_pings_the_owner_once_per_answer(kit: FeedbackKit) -> None:
    _owner(kit.store)
    answer = kit.answer(question="Is <!here> ok?", text="Use *sudo* <@U1>")
    _report(kit, answer, "unsafe", "U1", 1)
    kit.wait(1)
    [ping] = kit.harness.slack.wait_for("chat.postMessage")
    assert ping.params["channel"] == "D0PEOPLE"
    listed = json.dumps(ping.params["blocks"])  # the question, escaped; a button to the answer
    assert "&lt;!here&gt;" in listed and "<!here>" not in listed
    assert "https://example.slack.com/archives/C111/p" in listed
    _report(kit, answer, "unsafe", "U2", 2)
    kit.wait(2)
    kit.harness.slack.wait_for("chat.postEphemeral", count=2)  # the second reporter was told
    assert len(kit.harness.slack.calls_to("chat.postMessage")) == 1
    confirmation = kit.harness.slack.calls_to("chat.postEphemeral")[0].params["text"]
    assert "The People team reviews flagged answers every Monday" in confirmation


def test_report_threshold_pings_at_most_once_per_owner_per_interval(
    kit: FeedbackKit, clock: ManualClock
) -> None:
    _owner(kit.store)
    first, second, third = kit.answer(), kit.answer(), kit.answer()
    n = 0
    for answer in (first, second):
        for user in ("U1", "U2", "U3"):
            n += 1
            _report(kit, answer, "wrong_facts", user, n)
            kit.wait(n)
    kit.harness.slack.wait_for("chat.postEphemeral", count=n)
    assert len(kit.harness.slack.calls_to("chat.postMessage")) == 1  # second answer: too soon
    clock.advance(timedelta(hours=2))
    for user in ("U1", "U2", "U3"):
        n += 1
        _report(kit, third, "incomplete", user, n)
        kit.wait(n)
    kit.harness.slack.wait_for("chat.postEphemeral", count=n)
    assert len(kit.harness.slack.calls_to("chat.postMessage")) == 2


def test_the_review_day_reads_cron_day_names_too() -> None:
    from bot.feedback.notify import review_day

    assert review_day("0 9 * * 1") == review_day("0 9 * * MON") == "every Monday"
    assert review_day("0 9 * * fri") == "every Friday"
    assert review_day("0 9 1 * *") == "regularly"  # monthly: no weekday to promise
