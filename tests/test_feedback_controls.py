"""Feedback controls over signed HTTP: thumbs, "Correct it", "Report", their modals, on both DBs."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from bot.vocabulary import ActionId
from storage import Store
from tests.fakes.feedback_kit import FeedbackKit, feedback_app, modal_values


@pytest.fixture
def kit(store: Store, clock: ManualClock) -> Iterator[FeedbackKit]:
    """The real app on fake Slack with the feedback recorder draining explicitly."""
    with feedback_app(store, clock) as k:
        yield k


def test_double_click_on_thumbs_up_stores_one_vote(kit: FeedbackKit) -> None:
    answer = kit.answer()
    assert kit.click_vote(answer, "up").status == 200
    assert kit.click_vote(answer, "up").status == 200
    kit.wait(2)
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.source, row.user_id) == ("up", "button", "U222")


def test_changed_vote_updates_the_one_row(kit: FeedbackKit) -> None:
    answer = kit.answer()
    kit.click_vote(answer, "up")
    kit.wait(1)
    kit.click_vote(answer, "down")
    kit.wait(2)
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert row.kind == "down"


def test_thumbs_down_counts_then_opens_modal_then_fills_it_and_confirms(kit: FeedbackKit) -> None:
    answer = kit.answer(question="Is <!channel> leave 25 days?")
    kit.click_vote(answer, "down")
    [update] = kit.harness.slack.wait_for("views.update")
    [ephemeral] = kit.harness.slack.wait_for("chat.postEphemeral")
    methods = [c.method for c in kit.harness.slack.calls]
    assert methods.index("views.open") < methods.index("views.update")
    assert "&lt;!channel&gt;" in json.dumps(update.params["view"])  # escaped, never a ping
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert row.kind == "down"
    text = ephemeral.params["text"]
    # This workspace has no owner: nobody will get it in a digest, so no review is promised.
    assert "logged" in text and "No one is assigned to review" in text
    assert "every Monday" not in text and "once it's fixed" not in text
    assert ephemeral.params["thread_ts"] == answer.thread_ts


def test_tampered_action_value_cannot_move_a_vote_to_another_answer(kit: FeedbackKit) -> None:
    clicked, other = kit.answer(), kit.answer(question="Other?")
    kit.click_vote(clicked, f"down:{other.id}")
    kit.wait(1)
    assert [f.kind for f in kit.store.feedback_for_answer(clicked.id or 0)] == ["down"]
    assert kit.store.feedback_for_answer(other.id or 0) == []


def test_click_on_a_message_we_never_answered_stores_nothing(kit: FeedbackKit) -> None:
    answer = kit.answer()
    answer.message_ts = "1700009999.000001"  # a bot message that is not in our records
    kit.click_vote(answer, "up")
    kit.wait(1)
    assert kit.store.export_rows() == []


def _down_modal(kit: FeedbackKit) -> tuple[str, str]:
    [opened] = kit.harness.slack.wait_for("views.open")
    view = opened.response["view"]
    return view["id"], view["private_metadata"]


def test_reason_modal_submission_is_stored_once_per_view(kit: FeedbackKit) -> None:
    answer = kit.answer()
    kit.click_vote(answer, "down")
    view_id, meta = _down_modal(kit)
    kit.wait(1)
    values = modal_values("outdated", "It is 30 days since 2026.", "https://wiki.example/leave")
    for _ in range(2):  # a redelivered submission of the same view
        assert kit.submit(ActionId.REASON_MODAL, view_id, meta, values).status == 200
    kit.wait(5)
    down, correction = kit.store.feedback_for_answer(answer.id or 0)
    assert (down.kind, down.reason, down.source_link) == (
        "down",
        "outdated",
        values["link"]["link"]["value"],
    )
    assert (correction.kind, correction.text) == ("correction", "It is 30 days since 2026.")


def test_invalid_modal_input_comes_back_as_field_errors(kit: FeedbackKit) -> None:
    answer = kit.answer()
    kit.click(answer, ActionId.CORRECT_IT, "correct")
    [opened] = kit.harness.slack.wait_for("views.open")
    view = opened.response["view"]
    reply = kit.submit(
        ActionId.CORRECTION_MODAL,
        view["id"],
        view["private_metadata"],
        modal_values(None, "", "not a url"),
    )
    body = json.loads(reply.body)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"correction", "link"}
    assert kit.store.feedback_for_answer(answer.id or 0) == []


def test_correct_it_shows_the_question_and_stores_the_correction(kit: FeedbackKit) -> None:
    answer = kit.answer(question="How many leave days?")
    kit.click(answer, ActionId.CORRECT_IT, "correct")
    [update] = kit.harness.slack.wait_for("views.update")
    assert "How many leave days?" in json.dumps(update.params["view"])
    view = update.response["view"]
    kit.submit(
        ActionId.CORRECTION_MODAL,
        view["id"],
        view["private_metadata"],
        modal_values(None, "30 days"),
    )
    kit.wait(1)
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.text, row.source) == ("correction", "30 days", "modal")
    [ephemeral] = kit.harness.slack.wait_for("chat.postEphemeral")
    assert ephemeral.params["text"].startswith("Thanks for the correction")


def test_dismissing_the_thumbs_down_modal_keeps_the_vote(kit: FeedbackKit) -> None:
    from tests.fakes import payloads

    answer = kit.answer()
    kit.click_vote(answer, "down")
    view_id, meta = _down_modal(kit)
    kit.wait(1)
    closed = payloads.view_closed(ActionId.REASON_MODAL, view_id=view_id, private_metadata=meta)
    assert kit.harness.sender.send_interactive(closed).status == 200
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert row.kind == "down"


def test_expired_trigger_keeps_the_vote_and_tells_the_person(kit: FeedbackKit) -> None:
    kit.harness.slack.fail_next("views.open", error="expired_trigger_id")
    answer = kit.answer()
    kit.click_vote(answer, "down")
    ephemerals = kit.harness.slack.wait_for("chat.postEphemeral", count=2)
    texts = " ".join(c.params["text"] for c in ephemerals)
    assert "expired_trigger_id" in texts and "recorded" in texts
    assert [f.kind for f in kit.store.feedback_for_answer(answer.id or 0)] == ["down"]


def test_slack_error_on_confirmation_does_not_lose_the_vote(kit: FeedbackKit) -> None:
    kit.harness.slack.fail_next("chat.postEphemeral", error="channel_not_found")
    answer = kit.answer()
    kit.click_vote(answer, "down")
    kit.harness.slack.wait_for("chat.postEphemeral")
    assert [f.kind for f in kit.store.feedback_for_answer(answer.id or 0)] == ["down"]
