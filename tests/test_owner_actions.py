"""Owner actions on a posted digest over signed HTTP: confirm, undo, won't fix, in-place updates.

The digest goes to U0OWNER1's DM (D0OWNER1); the clock is 09:00 UTC, which the configured
time zone (Europe/Paris) shows as 10:00 on the digest message.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.digest import parse_week
from bot.vocabulary import ActionId, ModalBlock
from handlers.digest.send import send_digests
from storage import Store
from storage.models import Feedback, FixCheck
from tests.fakes import payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.slack_app import AppHarness, running_app

W46 = datetime(2026, 11, 10, 10, tzinfo=UTC)
DM = "D0OWNER1"
OWNER = "U0OWNER1"
AT = "10:00"  # 09:00 UTC in Europe/Paris
HOSTILE_REASON = "Policy is right <!channel> & <@U0CEO>"


@pytest.fixture
def h(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The People team's digest posted to its owner's DM: one theme, one proposed correction."""
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase.load(None), clock=clock
    ) as harness:
        harness.runtime.settings = dataclasses.replace(
            harness.runtime.settings, admins=("UADMIN",), timezone="Europe/Paris"
        )
        install_owners(store, tmp_path)
        for i, user in enumerate(["U0R1", "U0R1", "U0R2"]):
            seed(store, clock, W46 + timedelta(hours=i), f"How many vacation days, try {i}?",
                 user=user, kind="report", reason="outdated")  # fmt: skip
        seed(store, clock, W46 + timedelta(hours=5), "How many vacation days, try 9?",
             user="U0R3", kind="correction", correction="25 days")  # fmt: skip
        clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))
        send_digests(harness.runtime, harness.slack.client(), parse_week("2026-W46"))
        yield harness


def _digest(h: AppHarness) -> dict[str, Any]:
    [message] = [m for m in h.slack.messages(DM) if m.get("blocks")]
    return message


def _block(h: AppHarness, block_id: str) -> dict[str, Any] | None:
    return next((b for b in _digest(h)["blocks"] if b.get("block_id") == block_id), None)


def _element(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return {"block_id": block["block_id"], **element}
    raise AssertionError(f"no {action_id} in the message")


def _click(h: AppHarness, action_id: str, user: str = OWNER, **extra: Any) -> None:
    """Click a button of the digest as it is now, with the message Slack sends along."""
    message = _digest(h)
    element = _element(message, action_id)
    body = payloads.block_action(
        action_id, str(element.get("value", "")), user=user, channel=DM,
        message_ts=message["ts"], block_id=element["block_id"],
        message_blocks=copy.deepcopy(message["blocks"]),
    )  # fmt: skip
    body["actions"][0].update(extra)
    assert h.sender.send_interactive(body).status == 200


def _theme_id(h: AppHarness) -> int:
    ids = [b.get("block_id", "") for b in _digest(h)["blocks"]]
    [theme] = [block_id for block_id in ids if block_id.startswith("theme:")]
    return int(theme.split(":")[1])


def _updates(h: AppHarness, count: int) -> list[str]:
    """The blocks of each chat.update of the digest so far, as text."""
    calls = h.slack.wait_for("chat.update", count=count)
    return [str(c.params["blocks"]) for c in calls if c.params["channel"] == DM]


def _opened_view(h: AppHarness, count: int = 1) -> dict[str, Any]:
    view = h.slack.wait_for("views.open", count=count)[-1].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def _submit(h: AppHarness, callback: str, view: dict[str, Any], values: dict[str, Any],
            user: str = OWNER) -> None:  # fmt: skip
    body = payloads.view_submission(
        callback, values, private_metadata=view["private_metadata"], user=user
    )
    assert h.sender.send_interactive(body).status == 200


def _approve(h: AppHarness, count: int = 1) -> None:
    _click(h, ActionId.APPROVE_CORRECTION)
    view = _opened_view(h, count)
    [answer] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.ANSWER]
    typed = {"type": "plain_text_input", "value": answer["element"]["initial_value"]}
    _submit(h, ActionId.APPROVE_MODAL, view, {ModalBlock.ANSWER: {ModalBlock.ANSWER: typed}})


def _ephemeral_to(h: AppHarness, user: str, count: int) -> list[str]:
    h.slack.wait_for("chat.postEphemeral", count=count)
    return [e["text"] for e in h.slack.ephemerals() if e["to_user"] == user]


def _check_and_confirm(h: AppHarness) -> None:
    _click(h, ActionId.MARK_FIXED)
    h.slack.wait_for("chat.postEphemeral", count=2)  # "Checking…", then the check
    [*_, check] = [e for e in h.slack.ephemerals(DM) if e.get("blocks")]
    button = _element(check, ActionId.CONFIRM_FIXED)
    body = payloads.block_action(
        ActionId.CONFIRM_FIXED, str(button["value"]), user=OWNER, channel=DM,
        message_ts=check["ts"], block_id=button["block_id"],
    )  # fmt: skip
    assert h.sender.send_interactive(body).status == 200
    h.slack.wait_for("chat.postEphemeral", count=3)


def test_the_irreversible_buttons_ask_first(h: AppHarness) -> None:
    # Confirming a fix DMs reporters (a DM can't be unsent); snoozing has no undo.
    snooze = _element(_digest(h), ActionId.SNOOZE_THEME)["confirm"]
    assert snooze["title"]["text"] == "Snooze this theme?" and snooze["deny"]["text"] == "Cancel"
    _click(h, ActionId.MARK_FIXED)
    h.slack.wait_for("chat.postEphemeral", count=2)
    [check] = [e for e in h.slack.ephemerals(DM) if e.get("blocks")]
    confirm = _element(check, ActionId.CONFIRM_FIXED)["confirm"]
    assert confirm["title"]["text"] == "Mark it fixed?"
    assert "2 reporters will get a DM" in confirm["text"]["text"]
    assert confirm["confirm"]["text"] == "Mark fixed" and confirm["deny"]["text"] == "Not yet"
    # Pressing Mark fixed itself changes nothing (it only shows the check): no dialog there;
    # undoable actions don't ask either.
    for action_id in (ActionId.MARK_FIXED, ActionId.WONT_FIX, ActionId.APPROVE_CORRECTION):
        assert "confirm" not in _element(_digest(h), action_id)


def test_approve_then_undo_updates_the_digest_each_time(h: AppHarness) -> None:
    _approve(h)
    approved = _updates(h, 1)[-1]
    [verified] = h.runtime.store.active_verified_answers()
    ids = [b.get("block_id", "") for b in _digest(h)["blocks"]]
    [fix_id] = [block_id for block_id in ids if block_id.startswith("fix:")]
    assert f"Approved by <@{OWNER}>, {AT}" in approved  # the configured time zone, not UTC
    section = _block(h, fix_id)
    assert section is not None and section["accessory"]["action_id"] == ActionId.UNDO_APPROVE
    history = h.slack.calls_to("conversations.history")  # a modal carries no message
    assert history[-1].params["channel"] == DM and history[-1].params["inclusive"] in (True, "1")

    _click(h, ActionId.UNDO_APPROVE)
    undone = _updates(h, 2)[-1]
    assert f"Approval undone by <@{OWNER}>, {AT}" in undone
    assert h.runtime.store.active_verified_answers() == []  # retired: never served again
    retired = h.runtime.store.get_verified(verified.id or 0)
    assert retired is not None and retired.retired_at is not None
    section = _block(h, fix_id)
    assert section is not None and section["accessory"]["action_id"] == ActionId.APPROVE_CORRECTION

    _approve(h, count=2)  # approving again serves the same answer again
    assert f"Approved by <@{OWNER}>" in _updates(h, 3)[-1]
    assert [v.id for v in h.runtime.store.active_verified_answers()] == [verified.id]


def test_mark_fixed_then_undo_tells_only_reporters_who_were_told(
    h: AppHarness, store: Store
) -> None:
    h.slack.fail_next("chat.postMessage", error="channel_not_found")  # U0R1's notice is lost
    _check_and_confirm(h)
    theme_id = _theme_id(h)
    fixed = _updates(h, 1)[-1]
    assert f"Marked fixed by <@{OWNER}>, {AT} · fix check running" in fixed
    assert _element(_digest(h), ActionId.UNDO_FIXED)["value"] == str(theme_id)
    assert h.slack.messages("D0R1") == [] and len(h.slack.messages("D0R2")) == 1

    _click(h, ActionId.UNDO_FIXED)
    reopened = _updates(h, 2)[-1]
    assert f"Reopened by <@{OWNER}>, {AT}" in reopened
    assert "told 1 reporter(s)" in _ephemeral_to(h, OWNER, 4)[-1]
    theme = store.get_theme(theme_id)
    assert theme is not None and (theme.status, theme.fixed_at, theme.status_by) == (
        "open", None, OWNER,
    )  # fmt: skip
    # U0R2, who was told "fixed", hears it was reopened, in the thread of that message;
    # U0R1, whose notice never went out, hears nothing at all, and U0R3 was never told.
    [notice] = h.slack.messages("D0R2")
    [update] = h.slack.messages("D0R2", thread_ts=notice["ts"])[1:]
    assert "undid the fix" in update["text"]
    assert h.slack.messages("D0R1") == [] and h.slack.messages("D0R3") == []
    with store.session() as session:
        check = session.exec(select(FixCheck)).one()
        rows = session.exec(select(Feedback).where(Feedback.theme_id == theme_id)).all()
    assert check.confirmed_at is None and check.confirmed_by == f"undone:{OWNER}"
    assert all(row.notified_fixed_at is None for row in rows)  # a real fix tells them again
    assert _element(_digest(h), ActionId.MARK_FIXED)  # the buttons are back


def test_the_undone_checks_confirm_button_never_marks_it_fixed_again(h: AppHarness) -> None:
    _check_and_confirm(h)
    _click(h, ActionId.UNDO_FIXED)
    _updates(h, 2)
    [check] = [e for e in h.slack.ephemerals(DM) if e.get("blocks")]
    button = _element(check, ActionId.CONFIRM_FIXED)
    body = payloads.block_action(
        ActionId.CONFIRM_FIXED, str(button["value"]), user=OWNER, channel=DM,
        message_ts=check["ts"], block_id=button["block_id"],
    )  # fmt: skip
    assert h.sender.send_interactive(body).status == 200
    assert _ephemeral_to(h, OWNER, 5)[-1].startswith("That fix was undone")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"
    assert len(h.slack.messages("D0R1")) == 1  # the first notice, and nothing since


def test_wont_fix_with_a_reason_through_the_modal_then_undo(h: AppHarness, store: Store) -> None:
    theme_id = _theme_id(h)
    _click(h, ActionId.WONT_FIX)
    view = _opened_view(h)
    assert view["callback_id"] == ActionId.WONT_FIX_MODAL
    [reason] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.REASON]
    assert reason["optional"] is True and reason["element"]["type"] == "plain_text_input"
    typed = {"type": "plain_text_input", "value": HOSTILE_REASON}
    _submit(h, ActionId.WONT_FIX_MODAL, view, {ModalBlock.REASON: {ModalBlock.REASON: typed}})
    shown = _updates(h, 1)[-1]
    escaped = "Policy is right &lt;!channel&gt; &amp; &lt;@U0CEO&gt;"
    assert f"Won't fix: {escaped} — <@{OWNER}>, {AT}" in shown
    assert "<!channel>" not in shown and "<@U0CEO>" not in shown
    theme = store.get_theme(theme_id)
    assert theme is not None and theme.status == "wont_fix"
    assert (theme.wont_fix_reason, theme.status_by) == (HOSTILE_REASON, OWNER)
    assert theme.status_at is not None

    _click(h, ActionId.UNDO_WONT_FIX)
    assert f"Reopened by <@{OWNER}>, {AT}" in _updates(h, 2)[-1]
    theme = store.get_theme(theme_id)
    assert theme is not None and (theme.status, theme.wont_fix_reason) == ("open", None)


def test_wont_fix_without_a_reason_says_so(h: AppHarness) -> None:
    _click(h, ActionId.WONT_FIX)
    view = _opened_view(h)
    empty: dict[str, Any] = {ModalBlock.REASON: {ModalBlock.REASON: {"value": None}}}
    _submit(h, ActionId.WONT_FIX_MODAL, view, empty)
    assert "Won't fix: no reason given" in _updates(h, 1)[-1]


def test_a_stranger_cannot_submit_the_wont_fix_modal(h: AppHarness) -> None:
    _click(h, ActionId.WONT_FIX)
    view = _opened_view(h)
    body = payloads.view_submission(
        ActionId.WONT_FIX_MODAL, {}, private_metadata=view["private_metadata"], user="U0STRANGER"
    )
    reply = h.sender.send_interactive(body)
    assert reply.status == 200 and "You can't close this theme" in reply.body
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"
    assert h.slack.calls_to("chat.update") == []


def test_a_stranger_cannot_undo(h: AppHarness) -> None:
    _check_and_confirm(h)
    _click(h, ActionId.UNDO_FIXED, user="U0STRANGER")
    assert _ephemeral_to(h, "U0STRANGER", 4)[-1].startswith("Sorry, only *People team*")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "fixed"
    assert len(_updates(h, 1)) == 1  # only the confirm's update


def test_assign_dms_the_assignee_and_shows_it_on_the_digest(h: AppHarness) -> None:
    _click(h, ActionId.ASSIGN_THEME, type="users_select", selected_user="U0DEV")
    shown = _updates(h, 1)[-1]
    assert f"Assigned to <@U0DEV> by <@{OWNER}>, {AT}" in shown
    opened = h.slack.calls_to("conversations.open")
    assert opened[-1].params["users"] == "U0DEV"
    [dm] = h.slack.messages("D0DEV")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.assignee == "U0DEV"
    assert f"*{theme.label}*" in dm["text"]
    assert "4 flagged answers from 3 people" in dm["text"]
    link = f"https://example.slack.com/archives/{DM}/p{_digest(h)['ts'].replace('.', '')}"
    assert f"<{link}|Open the digest>" in dm["text"]
    assert _element(_digest(h), ActionId.ASSIGN_THEME)["initial_user"] == "U0DEV"


def test_a_failed_update_keeps_the_action_and_tells_the_owner(h: AppHarness) -> None:
    h.slack.fail_next("chat.update", error="cant_update_message")
    _click(h, ActionId.SNOOZE_THEME)
    said = _ephemeral_to(h, OWNER, 2)
    assert said[-1] == (
        "Done, but the digest message could not be updated, so co-owners don't see it there "
        "yet (cant_update_message)."
    )
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.snoozed_until is not None  # the snooze stands
    assert _element(_digest(h), ActionId.SNOOZE_THEME)  # the message is as it was


def test_a_successful_update_says_nothing_more(h: AppHarness) -> None:
    _click(h, ActionId.SNOOZE_THEME)
    assert f"Snoozed by <@{OWNER}>, {AT}" in _updates(h, 1)[-1]
    said = _ephemeral_to(h, OWNER, 1)
    assert not any("could not be updated" in text for text in said)


def test_a_user_group_member_may_act_on_the_digest(h: AppHarness, tmp_path: Path) -> None:
    from tests.fakes.digest_data import OWNERS_TOML

    with_group = OWNERS_TOML.replace(
        'members = ["U0OWNER2"]', 'members = ["U0OWNER2"]\nusergroups = ["S0PEOPLE"]'
    )
    assert with_group != OWNERS_TOML
    install_owners(h.runtime.store, tmp_path, with_group)
    h.slack.set_usergroup("S0PEOPLE", "U0GROUPIE")
    _click(h, ActionId.WONT_FIX, user="U0OUTSIDER")  # not in the group: refused
    assert _ephemeral_to(h, "U0OUTSIDER", 1)[-1].startswith("Sorry, only *People team*")
    assert not h.slack.calls_to("views.open")
    _click(h, ActionId.WONT_FIX, user="U0GROUPIE")
    view = _opened_view(h)
    empty: dict[str, Any] = {
        ModalBlock.REASON: {ModalBlock.REASON: {"type": "plain_text_input", "value": None}}
    }
    _submit(h, ActionId.WONT_FIX_MODAL, view, empty, user="U0GROUPIE")
    assert "<@U0GROUPIE>" in _updates(h, 1)[-1]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and (theme.status, theme.status_by) == ("wont_fix", "U0GROUPIE")
    assert h.slack.calls_to("usergroups.users.list")
