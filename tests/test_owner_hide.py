"""The owner-only "Hide this answer" icon: shown to the owner's people, checked on every click.

A real Bolt app over signed HTTP; the click payload is interactivity/block_actions_button.json
with the action changed to the icon button's (type `icon_button`, as bolt-js's
`IconButtonAction` describes it: no capture of an icon-button click exists in tests/data).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.owners import MAX_VISIBLE_TO, owner_people, sync_owners
from bot.vocabulary import ActionId, AnswerBlock
from handlers.feedback.owner_hide import HIDDEN_TOLD
from handlers.feedback.urgent_actions import HIDDEN_NOTICE, NOT_YOURS
from storage import Store
from storage.models import Owner
from tests.fakes import payloads
from tests.fakes.digest_data import owner_spec
from tests.fakes.slack_app import AppHarness, running_app, stored_answers, write_knowledge

VPN = "# VPN guide\n\nReset the VPN password in the VPN portal with Forgot password.\n"
PEOPLE = ["U0OWNER", "U0MEMBER", "U0G1", "U0G2"]


@pytest.fixture
def app(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The app with an IT owner for VPN questions: a DM owner, a member and a user group."""
    sync_owners(
        store,
        [
            owner_spec(
                "IT",
                "U0OWNER",
                topics=("vpn",),
                members=("U0MEMBER",),
                member_groups=("S0IT",),
            )
        ],
    )
    knowledge = write_knowledge(tmp_path / "kb", {"vpn.md": VPN})
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock
    ) as harness:
        harness.slack.set_usergroup("S0IT", "U0G1", "U0G2")
        yield harness


def ask(app: AppHarness, text: str) -> tuple[str, dict[str, Any]]:
    """A signed @mention in C111; returns (thread ts, the answer message once finished)."""
    event = payloads.app_mention(f"<@UBOT> {text}")
    assert app.sender.send_event(event).status == 200
    app.slack.wait_for("chat.stopStream")
    assert app.workers.wait_idle(timeout=30)  # linked to its message just after the stop
    thread = str(event["event"]["ts"])
    [answer] = [m for m in app.slack.messages("C111", thread_ts=thread) if m.get("bot_id")]
    return thread, answer


def icons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The icon buttons in the answer's context_actions block."""
    return [
        element
        for block in message.get("blocks") or []
        if block["type"] == "context_actions"
        for element in block["elements"]
        if element["type"] == "icon_button"
    ]


def click_hide(app: AppHarness, user: str, thread: str, message: dict[str, Any]) -> None:
    """A signed click on the hide icon of `message`, by `user`."""
    [answer] = stored_answers(app.runtime.store)
    assert answer.id is not None
    body = payloads.block_action(
        ActionId.OWNER_HIDE,
        "hide",
        user=user,
        channel="C111",
        message_ts=str(message["ts"]),
        thread_ts=thread,
        action_type="icon_button",
        block_id=AnswerBlock.VOTE.of(answer.id),
        message_blocks=message["blocks"],
    )
    assert app.sender.send_interactive(body).status == 200


def test_the_hide_icon_is_shown_only_to_the_owners_people(app: AppHarness) -> None:
    _, message = ask(app, "how do I reset my VPN password?")
    [icon] = icons(message)
    assert icon["icon"] == "trash" and icon["text"]["text"] == "Hide this answer"
    assert icon["visible_to_user_ids"] == PEOPLE
    assert icon["confirm"]["confirm"]["text"] == "Hide it"


def test_an_answer_nobody_owns_has_no_owner_control(app: AppHarness) -> None:
    _, message = ask(app, "what is the cafeteria menu?")  # no topic matches, no default owner
    assert icons(message) == []
    assert any(b["type"] == "context_actions" for b in message["blocks"])  # thumbs still there


def test_a_click_from_someone_else_changes_nothing(app: AppHarness) -> None:
    thread, message = ask(app, "how do I reset my VPN password?")
    click_hide(app, "U222", thread, message)  # a payload anyone could send: never trusted
    [told] = app.slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == "U222" and told.params["text"] == NOT_YOURS
    assert app.slack.calls_to("chat.update") == []
    [still] = [m for m in app.slack.messages("C111", thread_ts=thread) if m.get("bot_id")]
    assert "VPN portal" in still["text"]


def test_a_user_group_member_hides_it_for_everyone(app: AppHarness) -> None:
    thread, message = ask(app, "how do I reset my VPN password?")
    click_hide(app, "U0G2", thread, message)
    [told] = app.slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == "U0G2" and told.params["text"] == HIDDEN_TOLD
    [hidden] = [m for m in app.slack.messages("C111", thread_ts=thread) if m.get("bot_id")]
    assert hidden["text"] == HIDDEN_NOTICE and "VPN portal" not in str(hidden["blocks"])
    [answer] = stored_answers(app.runtime.store)
    assert "VPN portal" in answer.text  # kept in lastmile's records


def test_at_most_ten_people_see_it_owner_first_admins_last() -> None:
    owner = Owner(
        name="Big team",
        slack_id="U0LEAD",
        members=[f"U{n:03d}" for n in range(12)],
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    people = owner_people(owner, admins=("U0ADMIN",))
    assert len(people) == MAX_VISIBLE_TO and people[0] == "U0LEAD"
    assert "U0ADMIN" not in people  # past ten; admins still act from the digest and pings
    assert owner_people(None, admins=("U0ADMIN",)) == ("U0ADMIN",)
