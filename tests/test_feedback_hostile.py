"""Hostile feedback over signed HTTP, on SQLite and PostgreSQL: values the database would refuse
are refused before the ack (PostgreSQL enforces column lengths, so there a value that slipped
through would fail after the ack and be lost), and Home shows only our own reason labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.feedback.writes import column_limit
from bot.vocabulary import ActionId
from handlers.feedback.context import REFUSED
from handlers.feedback.modals import ModalMeta
from storage import Store
from storage.models import Answer
from tests.fakes.feedback_kit import FeedbackKit, feedback_app, modal_values
from tests.test_home import flag_text, open_home


@pytest.fixture
def kit(store: Store, clock: ManualClock) -> Iterator[FeedbackKit]:
    """The real app on fake Slack with the feedback recorder draining explicitly."""
    with feedback_app(store, clock) as k:
        yield k


def meta_of(answer: Answer, kind: str, **extra: str) -> str:
    """The private_metadata our modal would carry (or a forged one, with `extra`)."""
    meta = ModalMeta(answer.channel_id, answer.message_ts or "", kind, thread_ts="t")
    return json.dumps(json.loads(meta.dump()) | extra)


def errors_of(reply: Any) -> dict[str, str]:
    body = json.loads(reply.body)
    assert body["response_action"] == "errors"
    return dict(body["errors"])


def forged_reason(text: str) -> dict[str, Any]:
    """Modal values whose radio button carries a value we never offered."""
    values = modal_values("outdated", "It is 30 days.")
    values["reason"]["reason"]["selected_option"]["value"] = text
    return values


def test_a_forged_reason_on_a_report_is_a_field_error_not_a_lost_write(kit: FeedbackKit) -> None:
    answer = kit.answer()
    reply = kit.submit(
        ActionId.REASON_MODAL, "V1", meta_of(answer, "report"), forged_reason("x" * 100)
    )
    assert set(errors_of(reply)) == {"reason"}
    assert kit.store.feedback_for_answer(answer.id or 0) == []


def test_a_reason_forged_into_a_correction_is_not_stored(kit: FeedbackKit) -> None:
    answer = kit.answer()
    values = forged_reason("<!channel> " + "x" * 60)  # the correction modal asks no reason
    reply = kit.submit(ActionId.CORRECTION_MODAL, "V2", meta_of(answer, "correction"), values)
    assert reply.status == 200 and reply.body == ""
    [row] = kit.store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.reason, row.text) == ("correction", None, "It is 30 days.")


def test_an_over_long_view_id_or_source_comes_back_on_the_form(kit: FeedbackKit) -> None:
    answer = kit.answer()
    limit = column_limit("dedupe_key")
    assert limit == 255
    long_view = "V" * limit  # `correction:<view>` no longer fits its column
    values = modal_values(None, "30 days")
    reply = kit.submit(ActionId.CORRECTION_MODAL, long_view, meta_of(answer, "correction"), values)
    assert "dedupe key is longer than 255" in errors_of(reply)["correction"]
    forged = meta_of(answer, "report", source="s" * 40)
    reply = kit.submit(ActionId.REASON_MODAL, "V3", forged, modal_values("outdated"))
    assert "unknown feedback" in errors_of(reply)["reason"]
    assert kit.store.feedback_for_answer(answer.id or 0) == []
    assert kit.recorder.pending == 0  # refused outright, never spooled to fail later


def test_an_over_long_link_or_correction_is_a_field_error(kit: FeedbackKit) -> None:
    answer = kit.answer()
    values = modal_values(None, "c" * 3001, "https://wiki.example/" + "a" * 2000)
    reply = kit.submit(ActionId.CORRECTION_MODAL, "V4", meta_of(answer, "correction"), values)
    assert set(errors_of(reply)) == {"correction", "link"}
    assert kit.store.feedback_for_answer(answer.id or 0) == []


def test_a_click_from_an_impossible_user_id_is_refused_and_the_person_told(
    kit: FeedbackKit,
) -> None:
    answer = kit.answer()
    assert kit.click_vote(answer, "down", user="U" + "9" * 70).status == 200
    [told] = kit.harness.slack.wait_for("chat.postEphemeral")
    assert told.params["text"] == REFUSED
    assert kit.harness.slack.calls_to("views.open") == []
    assert kit.store.feedback_for_answer(answer.id or 0) == []


def test_home_shows_our_label_for_a_reason_we_never_offered(kit: FeedbackKit, store: Store) -> None:
    answer = kit.answer("How many leave days?")
    crafted = "<!channel> *urgent*"  # fits the column (32): stored by an older version
    store.add_submission(
        answer_id=answer.id or 0, user_id="U222", kind="report", source="modal",
        dedupe_key="report:old", reason=crafted,
    )  # fmt: skip
    entry = flag_text(open_home(kit.harness, "U222"), "How many leave days?")
    assert entry.startswith("*Report (Other)* on")
    assert "channel" not in entry and "urgent" not in entry
