""" "Get help from a person": one post to the helpers, a claim, a resolve, a correction proposed.

A real Bolt app over signed HTTP and the fake Slack Web API. Clicks are
interactivity/block_actions_button.json with the action changed; the helper's copy is clicked
with the blocks Slack stored for it, as Slack sends a message's blocks with a click.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.digest.build import build_digest
from bot.digest.period import week_of
from bot.owners import sync_owners
from bot.vocabulary import ActionId
from bot.workspace import ChannelConfig, default_workspace_config
from storage import Store
from storage.models import Feedback, Handoff, HandoffPost
from tests.fakes import payloads
from tests.fakes.digest_data import owner_spec
from tests.fakes.slack_app import AppHarness, running_app, stored_answers, write_knowledge

VPN = "# VPN guide\n\nReset the VPN password in the VPN portal with Forgot password.\n"
# Typed literally, `<!channel>` arrives entity-encoded and is stored as typed: it must not ping.
QUESTION = "how do I reset my VPN password? &lt;!channel&gt;"


def harness(
    store: Store,
    clock: ManualClock,
    tmp_path: Path,
    *,
    helpers: str,
    channel_rule: str | None = None,
) -> Iterator[AppHarness]:
    """The app with an IT owner (VPN questions) whose hand-offs go to `helpers`."""
    sync_owners(store, [owner_spec("IT", "U0IT", topics=("vpn",), helpers=helpers)])
    workspace = default_workspace_config()
    if channel_rule:
        rule = ChannelConfig(channel_id="C111", handoff=channel_rule)
        workspace = type(workspace)(agent=workspace.agent, channels={"C111": rule})
    knowledge = write_knowledge(tmp_path / "kb", {"vpn.md": VPN})
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock, workspace=workspace
    ) as app:
        app.slack.set_usergroup("S0HELP", "U0H1", "U0H2")
        yield app


@pytest.fixture
def app(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """Hand-offs to the channel C0HELP."""
    yield from harness(store, clock, tmp_path, helpers="C0HELP")


def answer_in_c111(app: AppHarness) -> tuple[str, dict[str, Any]]:
    """Ask by @mention; (thread ts, the finished answer message) once it is linked."""
    event = payloads.app_mention(f"<@UBOT> {QUESTION}")
    assert app.sender.send_event(event).status == 200
    app.slack.wait_for("chat.stopStream")
    assert app.workers.wait_idle(timeout=30)
    thread = str(event["event"]["ts"])
    [answer] = [m for m in app.slack.messages("C111", thread_ts=thread) if m.get("bot_id")]
    return thread, answer


def click(
    app: AppHarness, action: str, user: str, channel: str, message: dict[str, Any], thread: str = ""
) -> None:
    """A signed click on `message` (its stored blocks go with it, as Slack sends them)."""
    body = payloads.block_action(
        action,
        "x",
        user=user,
        channel=channel,
        message_ts=str(message["ts"]),
        thread_ts=thread or None,
        message_blocks=message.get("blocks") or [],
    )
    assert app.sender.send_interactive(body).status == 200


def ask_for_help(app: AppHarness, user: str = "U222") -> tuple[str, dict[str, Any]]:
    """Answer, then press "Get help from a person"; (thread, answer message)."""
    thread, answer = answer_in_c111(app)
    before = len(app.slack.calls_to("chat.postEphemeral"))
    click(app, ActionId.HANDOFF, user, "C111", answer, thread)
    app.slack.wait_for("chat.postEphemeral", count=before + 1)  # told once the copies are out
    return thread, answer


def told(app: AppHarness, user: str, count: int = 1) -> list[str]:
    """The ephemeral notes `user` got, once `count` of them arrived."""
    app.slack.wait_for("chat.postEphemeral", count=count)
    return [e["text"] for e in app.slack.ephemerals() if e["to_user"] == user]


def handoffs(store: Store) -> list[Handoff]:
    """Every stored hand-off."""
    with store.session() as session:
        return list(session.exec(select(Handoff)).all())


def copies(app: AppHarness, channel: str) -> list[dict[str, Any]]:
    """The hand-off copies posted to `channel`."""
    return app.slack.messages(channel)


def test_every_answer_offers_a_person(app: AppHarness) -> None:
    _, answer = answer_in_c111(app)
    buttons = [
        e["text"]["text"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["Correct it", "Report", "Get help from a person"]


def test_the_helpers_get_one_escaped_post_and_the_asker_is_told_who(app: AppHarness) -> None:
    _, answer = ask_for_help(app)
    [note] = told(app, "U222")
    assert note.startswith("I asked IT's helpers.")
    [copy] = copies(app, "C0HELP")
    text = json.dumps(copy["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text  # the question can't ping
    assert "VPN portal" in text and "https://example.slack.com/archives/C111/p" in text
    assert "I'll take it" in text
    [handoff] = handoffs(app.runtime.store)
    assert (handoff.status, handoff.asked_by, handoff.destination) == ("open", "U222", "C0HELP")
    with app.runtime.store.session() as session:
        [vote] = session.exec(select(Feedback).where(Feedback.source == "handoff")).all()
    assert vote.kind == "down"  # asking for a person counts as a failure of the answer


def test_a_second_click_or_a_colleague_never_posts_twice(app: AppHarness) -> None:
    thread, answer = ask_for_help(app)
    told(app, "U222")
    click(app, ActionId.HANDOFF, "U333", "C111", answer, thread)
    [note] = told(app, "U333", count=2)
    assert note == "Already asked IT's helpers about this answer: nobody has taken it yet."
    assert len(copies(app, "C0HELP")) == 1 and len(handoffs(app.runtime.store)) == 1


def test_a_post_slack_refuses_is_kept_and_sent_once_on_the_next_click(app: AppHarness) -> None:
    thread, answer = answer_in_c111(app)
    app.slack.fail_next("chat.postMessage", status=500, times=3)
    click(app, ActionId.HANDOFF, "U222", "C111", answer, thread)
    [note] = told(app, "U222")
    assert "couldn't reach IT's helpers" in note and "kept" in note
    assert copies(app, "C0HELP") == [] and len(handoffs(app.runtime.store)) == 1
    click(app, ActionId.HANDOFF, "U222", "C111", answer, thread)
    told(app, "U222", count=2)
    assert len(copies(app, "C0HELP")) == 1


def test_two_helpers_claim_at_once_one_wins_and_everyone_sees_it(app: AppHarness) -> None:
    thread, _ = ask_for_help(app)
    [copy] = copies(app, "C0HELP")
    click(app, ActionId.HANDOFF_CLAIM, "U0H1", "C0HELP", copy)  # both handled at once
    click(app, ActionId.HANDOFF_CLAIM, "U0H2", "C0HELP", copy)
    app.slack.wait_for("chat.postEphemeral", count=2)  # the asker's note, the loser's
    app.slack.wait_for("chat.update")
    posted = app.slack.wait_for("chat.postMessage", count=2)  # the copy, then the asker's note
    [handoff] = handoffs(app.runtime.store)
    winner = handoff.claimed_by
    loser = "U0H2" if winner == "U0H1" else "U0H1"
    assert handoff.status == "claimed" and winner in ("U0H1", "U0H2")
    assert told(app, loser, count=2) == [f"Already taken by <@{winner}>."]
    assert told(app, winner, count=2) == []
    [updated] = copies(app, "C0HELP")
    assert f"Taken by <@{winner}>" in json.dumps(updated["blocks"])
    assert "I'll take it" not in json.dumps(updated["blocks"])
    assert posted[-1].params["channel"] == "C111" and posted[-1].params["thread_ts"] == thread
    assert (
        posted[-1].params["text"] == f"<@{winner}> is looking at this and will get back to <@U222>."
    )
    assert len(app.slack.calls_to("chat.update")) == 1


def test_resolve_then_propose_turns_the_helpers_reply_into_a_correction(
    app: AppHarness, clock: ManualClock
) -> None:
    thread, _ = ask_for_help(app)
    [copy] = copies(app, "C0HELP")
    click(app, ActionId.HANDOFF_CLAIM, "U0H1", "C0HELP", copy)
    app.slack.wait_for("chat.update")
    app.slack.seed_message("C111", "Use the new portal at vpn2.example", "U0H1", thread_ts=thread)
    click(app, ActionId.HANDOFF_RESOLVE, "U222", "C0HELP", copies(app, "C0HELP")[0])  # not theirs
    assert told(app, "U222", count=2)[-1].startswith("Only the helper who took it")
    click(app, ActionId.HANDOFF_RESOLVE, "U0H1", "C0HELP", copies(app, "C0HELP")[0])
    app.slack.wait_for("chat.update", count=2)
    resolved = json.dumps(copies(app, "C0HELP")[0]["blocks"])
    assert "Resolved by <@U0H1>" in resolved and "Propose my reply" in resolved
    click(app, ActionId.HANDOFF_PROPOSE, "U0H1", "C0HELP", copies(app, "C0HELP")[0])
    assert told(app, "U0H1", count=3) == ["Proposed: the owner can approve it in the digest."]
    click(app, ActionId.HANDOFF_PROPOSE, "U0H1", "C0HELP", copies(app, "C0HELP")[0])
    assert told(app, "U0H1", count=4)[-1] == "Your reply is already proposed."
    with app.runtime.store.session() as session:
        [fix] = session.exec(select(Feedback).where(Feedback.kind == "correction")).all()
    assert fix.text == "Use the new portal at vpn2.example" and fix.source == "handoff"
    owner = app.runtime.store.owner_by_name("IT")
    assert owner is not None
    digest = build_digest(app.runtime.store, owner, week_of(clock().date()))
    [theme] = digest.themes
    assert (theme.handoffs, theme.handoffs_open) == (1, 0)
    assert [c.correction for c in theme.corrections] == ["Use the new portal at vpn2.example"]


def test_a_user_group_gets_a_dm_each_and_a_claim_updates_every_copy(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    for app in harness(store, clock, tmp_path, helpers="S0HELP"):
        ask_for_help(app)
        told(app, "U222")
        [first], [second] = copies(app, "U0H1"), copies(app, "U0H2")
        click(app, ActionId.HANDOFF_CLAIM, "U0H2", "U0H2", second)
        app.slack.wait_for("chat.update", count=2)
        for channel in ("U0H1", "U0H2"):
            assert "Taken by <@U0H2>" in json.dumps(copies(app, channel)[0]["blocks"])
        with store.session() as session:
            assert len(session.exec(select(HandoffPost)).all()) == 2
        assert first["ts"] != second["ts"]


def test_a_help_channel_rule_overrides_the_owners_helpers(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    for app in harness(store, clock, tmp_path, helpers="C0HELP", channel_rule="C0DESK"):
        ask_for_help(app)
        told(app, "U222")
        assert len(copies(app, "C0DESK")) == 1 and copies(app, "C0HELP") == []
        assert [a.id for a in stored_answers(store)] == [h.answer_id for h in handoffs(store)]


def test_a_second_resolve_changes_nothing(app: AppHarness) -> None:
    ask_for_help(app)
    [copy] = copies(app, "C0HELP")
    click(app, ActionId.HANDOFF_RESOLVE, "U0H1", "C0HELP", copy)  # before anyone took it
    app.slack.wait_for("chat.update")
    click(app, ActionId.HANDOFF_RESOLVE, "U0H2", "C0HELP", copies(app, "C0HELP")[0])
    assert told(app, "U0H2", count=2) == ["It was resolved already."]
    assert len(app.slack.calls_to("chat.update")) == 1
    [handoff] = handoffs(app.runtime.store)
    assert (handoff.status, handoff.resolved_by) == ("resolved", "U0H1")
