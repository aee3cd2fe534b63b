"""The posted digest and its buttons over signed HTTP against the fake Slack, on both databases."""

from __future__ import annotations

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
from bot.digest import parse_week, week_containing
from bot.vocabulary import ActionId, ModalBlock
from handlers.digest.send import send_digests
from storage import Store
from storage.models import Feedback
from tests.fakes import payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.slack_app import AppHarness, running_app

W46 = datetime(2026, 11, 10, 10, tzinfo=UTC)
DM = "D0OWNER1"  # the fake's DM channel with U0OWNER1
HOSTILE = "How many vacation days, try <!channel> <@U0CEO> &amp; <https://evil.example|login>?"


@pytest.fixture
def h(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The app with one admin, owners installed, a week of failures and the digest posted."""
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase.load(None), clock=clock
    ) as harness:
        harness.runtime.settings = dataclasses.replace(harness.runtime.settings, admins=("UADMIN",))
        install_owners(store, tmp_path)
        for i, user in enumerate(["U0R1", "U0R1", "U0R2"]):
            seed(store, clock, W46 + timedelta(hours=i), f"How many vacation days, try {i}?",
                 user=user, kind="report", reason="outdated")  # fmt: skip
        seed(store, clock, W46 + timedelta(hours=5), HOSTILE, user="U0R3", kind="correction",
             correction="25 days <!here>, see <https://hr.example|HR>")  # fmt: skip
        clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))
        send_digests(harness.runtime, harness.slack.client(), parse_week("2026-W46"))
        yield harness


def _digest(h: AppHarness) -> dict[str, Any]:
    [message] = [m for m in h.slack.messages(DM) if m.get("blocks")]
    return message


def _element(h: AppHarness, action_id: str) -> dict[str, Any]:
    for block in _digest(h)["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return {"block_id": block["block_id"], **element}
    raise AssertionError(f"no {action_id} in the digest")


def _click(
    h: AppHarness, action_id: str, user: str, old: dict[str, Any] | None = None, **extra: Any
) -> None:
    """Click a button of the digest as it is now (or `old`, one from an earlier copy of it)."""
    element = old or _element(h, action_id)
    body = payloads.block_action(
        action_id, str(element.get("value", "")), user=user, channel=DM,
        message_ts=_digest(h)["ts"], block_id=element["block_id"],
        message_blocks=_digest(h)["blocks"],
    )  # fmt: skip
    body["actions"][0].update(extra)
    assert h.sender.send_interactive(body).status == 200


def _theme_id(h: AppHarness) -> int:
    """The first theme's id: its section is `theme:<id>`, whatever its buttons show now."""
    ids = [b.get("block_id", "") for b in _digest(h)["blocks"]]
    ids = [block_id for block_id in ids if block_id.startswith("theme:")]
    return int(ids[0].split(":")[1])


def test_digest_is_posted_lean_escaped_with_marker_and_chart(h: AppHarness) -> None:
    message = _digest(h)
    assert len(message["blocks"]) <= 50
    text = str(message["blocks"])
    assert "<!channel>" not in text and "<!here>" not in text and "<@U0CEO>" not in text
    assert "&lt;!channel&gt;" in text and "&amp;amp;" in text
    assert message["metadata"]["event_payload"]["period"] == "2026-W46"
    uploads = h.slack.wait_for("files.completeUploadExternal", count=2)  # one per owner
    [upload] = [call for call in uploads if call.params["channel_id"] == DM]
    assert upload.params["thread_ts"] == message["ts"]
    assert all(png.startswith(b"\x89PNG") for png in h.slack.uploaded_files().values())
    assert len([m for m in h.slack.messages("C0PLATFORM") if m.get("blocks")]) == 1


def test_approve_turns_the_correction_into_a_verified_answer(h: AppHarness) -> None:
    # The button opens a modal prefilled with the correction (tests/test_verified_lifecycle.py
    # covers editing and the ticked questions); each submission makes at most one answer.
    _click(h, ActionId.APPROVE_CORRECTION, "U0OWNER1")
    [opened] = h.slack.wait_for("views.open")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    [answer] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.ANSWER]
    text = answer["element"]["initial_value"]
    typed = {"type": "plain_text_input", "value": text}
    values: dict[str, Any] = {ModalBlock.ANSWER: {ModalBlock.ANSWER: typed}}
    for count in (1, 2):
        body = payloads.view_submission(ActionId.APPROVE_MODAL, values, user="U0OWNER1",
                                        private_metadata=view["private_metadata"])  # fmt: skip
        assert h.sender.send_interactive(body).status == 200
        h.slack.wait_for("chat.postMessage", count=2 + count)  # two digests, then each reply
    [verified] = h.runtime.store.active_verified_answers()
    assert verified.answer == "25 days <!here>, see <https://hr.example|HR>"
    assert verified.question == HOSTILE and verified.approved_by == "U0OWNER1"


def _confirm_button(h: AppHarness, user: str) -> dict[str, Any]:
    """The Confirm button of the last fix check shown to `user`."""
    [*_, check] = [e for e in h.slack.ephemerals(DM) if e["to_user"] == user and e.get("blocks")]
    for block in check["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == ActionId.CONFIRM_FIXED:
                return {"block_id": block["block_id"], "ts": check["ts"], **element}
    raise AssertionError("no Confirm button in the fix check")


def _confirm(h: AppHarness, user: str) -> None:
    button = _confirm_button(h, user)
    body = payloads.block_action(
        ActionId.CONFIRM_FIXED, str(button["value"]), user=user, channel=DM,
        message_ts=button["ts"], block_id=button["block_id"],
    )  # fmt: skip
    assert h.sender.send_interactive(body).status == 200


def test_mark_fixed_is_checked_then_tells_each_passing_reporter_once(h: AppHarness) -> None:
    mark_fixed = _element(h, ActionId.MARK_FIXED)
    _click(h, ActionId.MARK_FIXED, "U0OWNER1")
    h.slack.wait_for("chat.postEphemeral", count=2)  # "Checking…", then the check
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"  # nothing happens before Confirm
    _confirm(h, "U0OWNER1")
    h.slack.wait_for("chat.postEphemeral", count=3)
    _confirm(h, "U0OWNER1")  # a double click on Confirm
    # A member, from a copy of the digest still showing Mark fixed, checks and confirms again.
    _click(h, ActionId.MARK_FIXED, "U0OWNER2", old=mark_fixed)
    h.slack.wait_for("chat.postEphemeral", count=6)
    _confirm(h, "U0OWNER2")
    h.slack.wait_for("chat.postEphemeral", count=7)
    dms = [c.params["channel"] for c in h.slack.calls_to("chat.postMessage")]
    # Without knowledge the reports' answers changed ("I don't know"), so U0R1 and U0R2 are
    # asked; U0R3's correction (25 days) still isn't given, so U0R3 is not told.
    assert sorted(d for d in dms if d.startswith("D0R")) == ["D0R1", "D0R2"]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "fixed" and theme.fixed_by == "U0OWNER1"
    with h.runtime.store.session() as session:
        rows = session.exec(select(Feedback).where(Feedback.theme_id == theme.id)).all()
    told = {row.user_id for row in rows if row.notified_fixed_at is not None}
    assert told == {"U0R1", "U0R2"}


def test_assign_sets_the_assignee_and_tells_them(h: AppHarness) -> None:
    _click(h, ActionId.ASSIGN_THEME, "U0OWNER1", type="users_select", selected_user="U0DEV")
    h.slack.wait_for("chat.postEphemeral")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.assignee == "U0DEV"
    [dm] = h.slack.messages("D0DEV")  # their DM (conversations.open), not a post to a user id
    assert dm["text"].startswith("<@U0OWNER1> assigned you the lastmile theme")


def test_snooze_hides_the_theme_until_the_week_ends(h: AppHarness, clock: ManualClock) -> None:
    _click(h, ActionId.SNOOZE_THEME, "UADMIN")  # admins may act on any digest
    h.slack.wait_for("chat.postEphemeral")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.snoozed_until == week_containing(clock()).end


def test_anyone_else_is_refused_politely(h: AppHarness) -> None:
    for action_id in (ActionId.MARK_FIXED, ActionId.APPROVE_CORRECTION,
                      ActionId.SNOOZE_THEME, ActionId.WONT_FIX):  # fmt: skip
        _click(h, action_id, "U0STRANGER")
    _click(h, ActionId.ASSIGN_THEME, "U0STRANGER", type="users_select", selected_user="U0X")
    refusals = h.slack.wait_for("chat.postEphemeral", count=5)
    assert all(c.params["text"].startswith("Sorry, only *People team*") for c in refusals)
    assert all(c.params["user"] == "U0STRANGER" for c in refusals)
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and (theme.status, theme.assignee, theme.snoozed_until) == (
        "open",
        None,
        None,
    )
    assert h.runtime.store.active_verified_answers() == []
    # Nothing was opened, posted or updated for the stranger: the digest still has its buttons.
    assert h.slack.calls_to("views.open") == [] and h.slack.calls_to("chat.update") == []
    assert h.slack.messages("D0X") == []
