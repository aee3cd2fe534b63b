"""Verified answers over signed HTTP: approve with an edit, serve paraphrases, review, retire."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.digest import parse_week
from bot.vocabulary import ActionId, ModalBlock
from handlers.digest.send import send_digests
from handlers.digest.verified_review import verified_review
from tests.fakes import payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.slack_app import AppHarness, running_app

W46 = datetime(2026, 11, 10, 10, tzinfo=UTC)
DM = "D0OWNER1"  # the fake's DM channel with U0OWNER1
FLAGGED = ("How many vacation days do I get per year?", "how many vacation days do we get")
CORRECTED = "vacation days?"
EDITED = "Full-time employees get 25 days of paid leave a year (Leave policy 2024)."


@pytest.fixture
def h(store: Any, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The app, owners, a week of vacation-day failures with one correction, digest posted."""
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase.load(None), clock=clock
    ) as harness:
        harness.runtime.settings = dataclasses.replace(harness.runtime.settings, admins=("UADMIN",))
        install_owners(store, tmp_path)
        for i, text in enumerate(FLAGGED):
            seed(store, clock, W46 + timedelta(hours=i), text, user=f"U0R{i}", kind="report",
                 reason="outdated")  # fmt: skip
        seed(store, clock, W46 + timedelta(hours=3), CORRECTED, user="U0R9", kind="correction",
             correction="25 days, not 20")  # fmt: skip
        clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))
        send_digests(harness.runtime, harness.slack.client(), parse_week("2026-W46"))
        yield harness


def _approve_button(h: AppHarness) -> dict[str, Any]:
    [digest] = [m for m in h.slack.messages(DM) if m.get("blocks")]
    for block in digest["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == ActionId.APPROVE_CORRECTION:
                return {"block_id": block["block_id"], "ts": digest["ts"], **element}
    raise AssertionError("no approve button in the digest")


def _click(h: AppHarness, action_id: str, value: str, user: str, **where: str) -> None:
    body = payloads.block_action(action_id, value, user=user, channel=where.get("channel", DM),
                                 message_ts=where.get("ts"))  # fmt: skip
    assert h.sender.send_interactive(body).status == 200


def _open_approve(h: AppHarness, user: str = "U0OWNER1") -> dict[str, Any]:
    button = _approve_button(h)
    _click(h, ActionId.APPROVE_CORRECTION, str(button["value"]), user, ts=button["ts"])
    [opened] = h.slack.wait_for("views.open")
    view: dict[str, Any] = opened.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def _values(answer: str, ticked: list[dict[str, Any]]) -> dict[str, Any]:
    answer_input = {"type": "plain_text_input", "value": answer}
    values = {ModalBlock.ANSWER: {ModalBlock.ANSWER: answer_input}}
    checks = {"type": "checkboxes", "selected_options": ticked}
    return values | {ModalBlock.VARIANTS: {ModalBlock.VARIANTS: checks}}


def _submit(h: AppHarness, body: dict[str, Any]) -> None:
    """Send a modal submission and wait for the confirmation DM its listener sends last."""
    posted = len(h.slack.calls_to("chat.postMessage"))
    assert h.sender.send_interactive(body).status == 200
    h.slack.wait_for("chat.postMessage", count=posted + 1)


def _approve(h: AppHarness, answer: str = EDITED, user: str = "U0OWNER1") -> dict[str, Any]:
    view = _open_approve(h)
    [checks] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.VARIANTS]
    ticked = checks["element"]["initial_options"]
    body = _submission(
        ActionId.APPROVE_MODAL, view["private_metadata"], _values(answer, ticked), user
    )
    _submit(h, body)
    return view


def _submission(callback: str, metadata: str, values: dict[str, Any], user: str) -> dict[str, Any]:
    return payloads.view_submission(callback, values, private_metadata=metadata, user=user)


def _ask(h: AppHarness, question: str) -> str:
    """Mention the bot; the final answer message's JSON."""
    updates = [c for c in h.slack.calls_to("chat.update") if c.params["channel"] != DM]
    asked = len(h.slack.calls_to("chat.stopStream")) + len(updates)  # not the digest's updates
    event = payloads.app_mention(f"<@UBOT> {question}", user="U0ASK", channel="C0GENERAL")
    assert h.sender.send_event(event).status == 200
    h.slack.wait_for("chat.stopStream", count=asked + 1)
    deadline = time.monotonic() + 10  # a refused stop is finished by chat.update just after
    while True:
        thread = h.slack.messages("C0GENERAL", thread_ts=event["event"]["ts"])
        if thread[-1].get("blocks") or time.monotonic() > deadline:
            return json.dumps(thread[-1])
        time.sleep(0.05)


def test_the_approve_modal_shows_the_correction_and_the_flagged_questions_ticked(
    h: AppHarness,
) -> None:
    view = _open_approve(h)
    assert view["callback_id"] == ActionId.APPROVE_MODAL
    [answer] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.ANSWER]
    assert answer["element"]["initial_value"] == "25 days, not 20"
    [checks] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.VARIANTS]
    ticked = {o["text"]["text"] for o in checks["element"]["initial_options"]}
    assert ticked == set(FLAGGED)
    assert h.runtime.store.active_verified_answers() == []  # nothing is served before submit


def test_an_edited_approval_is_served_to_a_paraphrase(h: AppHarness) -> None:
    _approve(h)
    [verified] = h.runtime.store.active_verified_answers()
    assert verified.answer == EDITED and verified.approved_by == "U0OWNER1"
    assert verified.id is not None
    variants = h.runtime.store.verified_variants([verified.id])[verified.id]
    assert set(variants) == {CORRECTED, *FLAGGED}
    served = _ask(h, "How many vacation days do I get each year?")
    assert "25 days of paid leave a year" in served and "Verified by" in served
    other = _ask(h, "How many vacation days do contractors get?")
    assert "Verified by" not in other


def test_an_unticked_question_is_not_attached(h: AppHarness) -> None:
    view = _open_approve(h)
    body = _submission(
        ActionId.APPROVE_MODAL, view["private_metadata"], _values(EDITED, []), "U0OWNER1"
    )
    _submit(h, body)
    [verified] = h.runtime.store.active_verified_answers()
    assert verified.id is not None
    assert h.runtime.store.verified_variants([verified.id])[verified.id] == [CORRECTED]


def test_a_stranger_can_neither_open_nor_submit_the_approval(h: AppHarness) -> None:
    button = _approve_button(h)
    _click(h, ActionId.APPROVE_CORRECTION, str(button["value"]), "U0STRANGER", ts=button["ts"])
    [refusal] = h.slack.wait_for("chat.postEphemeral")
    assert "only *People team*" in refusal.params["text"]
    assert h.slack.calls_to("views.open") == []
    values = _values("42 days", [])
    forged = _submission(ActionId.APPROVE_MODAL, str(button["value"]), values, "U0STRANGER")
    reply = h.sender.send_interactive(forged)
    assert json.loads(reply.body)["response_action"] == "errors"
    assert h.runtime.store.active_verified_answers() == []


def test_retire_from_the_list_stops_serving_it(h: AppHarness) -> None:
    _approve(h)
    listed = h.sender.send_command(payloads.slash_command("/lastmile", "verified", user="U0OWNER1"))
    assert EDITED.split(" (")[0] in listed.body
    [verified] = h.runtime.store.active_verified_answers()
    _click(h, ActionId.VERIFIED_RETIRE, str(verified.id), "U0STRANGER")
    h.slack.wait_for("chat.postEphemeral")
    assert len(h.runtime.store.active_verified_answers()) == 1  # refused
    _click(h, ActionId.VERIFIED_RETIRE, str(verified.id), "U0OWNER2")  # a member may
    h.slack.wait_for("chat.postEphemeral", count=2)
    assert h.runtime.store.active_verified_answers() == []
    assert "Verified by" not in _ask(h, "How many vacation days do I get each year?")


def test_past_its_review_date_the_owner_is_asked_once_and_keep_resets_it(
    h: AppHarness, clock: ManualClock
) -> None:
    _approve(h)
    review = verified_review(h.runtime, h.slack.client())
    clock.advance(timedelta(days=89))
    assert review.run_once() == 0
    clock.advance(timedelta(days=2))
    assert review.run_once() == 1 and review.run_once() == 0  # asked once
    [asked] = [m for m in h.slack.messages(DM) if "still true" in json.dumps(m)]
    assert ActionId.VERIFIED_KEEP in json.dumps(asked)
    assert "last checked 2026-11-16" in _ask(h, "how many vacation days do we get")
    [verified] = h.runtime.store.active_verified_answers()
    _click(h, ActionId.VERIFIED_KEEP, str(verified.id), "U0OWNER1", ts=asked["ts"])
    h.slack.wait_for("chat.postEphemeral")
    served = _ask(h, "how many vacation days do we get")
    assert "Verified by" in served and "last checked" not in served
    clock.advance(timedelta(days=89))
    assert review.run_once() == 0  # the next review is 90 days after Keep


def test_edit_from_the_list_changes_what_is_served(h: AppHarness) -> None:
    _approve(h)
    [verified] = h.runtime.store.active_verified_answers()
    _click(h, ActionId.VERIFIED_EDIT, str(verified.id), "U0OWNER1")
    [_, opened] = h.slack.wait_for("views.open", count=2)
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    values = _values("26 days from 2027.", [])
    body = _submission(ActionId.VERIFIED_EDIT_MODAL, view["private_metadata"], values, "U0OWNER1")
    _submit(h, body)
    assert "26 days from 2027." in _ask(h, "How many vacation days do I get each year?")


def test_the_app_home_lists_an_owners_verified_answers_and_retire_works_there(
    h: AppHarness,
) -> None:
    _approve(h)
    for user, count in (("U0OWNER1", 1), ("U0STRANGER", 2)):
        assert h.sender.send_event(payloads.app_home_opened(user)).status == 200
        h.slack.wait_for("views.publish", count=count)
    owner, stranger = (json.dumps(c.params) for c in h.slack.calls_to("views.publish"))
    assert "Your verified answers" in owner and ActionId.VERIFIED_RETIRE in owner
    assert "Your verified answers" not in stranger
    [verified] = h.runtime.store.active_verified_answers()
    posted = len(h.slack.calls_to("chat.postMessage"))
    body = payloads.block_action(ActionId.VERIFIED_RETIRE, str(verified.id), user="U0OWNER1")
    del body["channel"]  # a click in the Home tab comes without a channel
    assert h.sender.send_interactive(body).status == 200
    h.slack.wait_for("chat.postMessage", count=posted + 1)  # told by DM
    assert h.runtime.store.active_verified_answers() == []


def test_every_running_bot_runs_the_verified_review(h: AppHarness, clock: ManualClock) -> None:
    from bot.composition import assemble

    _approve(h)
    clock.advance(timedelta(days=91))
    bot = assemble(h.runtime, synchronous=True)
    assert "verified review" in bot.services.names()
    bot.services.get("verified review").tick_now()  # as the demo ticks its services
    assert [m for m in h.slack.messages(DM) if "still true" in json.dumps(m)]
