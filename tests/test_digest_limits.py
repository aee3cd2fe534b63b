"""A digest bigger than one Slack message: the fake refuses what Slack refuses, the digest is a
parent and thread replies that each fit, and owner actions update the message that was clicked.

The week: five themes, each with two long proposed corrections (about 18,000 characters of
text in 32 blocks as one message, which Slack answers with `msg_blocks_too_long`).
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
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.digest import build_digest, parse_week
from bot.vocabulary import ActionId, ModalBlock
from handlers.digest.blocks import digest_blocks, fallback_text
from handlers.digest.send import send_digests
from handlers.digest.split import MAX_BLOCKS, TEXT_PER_MESSAGE, lines_within, pack, text_length
from storage import Store
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.slack_app import AppHarness, running_app

W46 = datetime(2026, 11, 10, 10, tzinfo=UTC)
DM = "D0OWNER1"
OWNER = "U0OWNER1"
TOPICS = {
    "vacation": [
        "How many vacation days do I get?",
        "vacation days per year for staff",
        "are vacation days carried over",
    ],
    "vpn": [
        "VPN will not connect from home",
        "VPN client keeps disconnecting",
        "VPN password reset steps",
    ],
    "payroll": [
        "When is payroll paid this month?",
        "payroll date moved again",
        "payroll slip missing",
    ],
    "parking": [
        "Where can visitors park the car?",
        "parking permit for the garage",
        "parking spaces for bikes",
    ],
    "expenses": [
        "How do I file taxi expenses?",
        "filing expenses for a taxi ride",
        "expenses claim for taxi receipts",
    ],
}


def _seed_big_week(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    install_owners(store, tmp_path)
    n = 0
    for topic, questions in TOPICS.items():
        for question in questions:
            n += 1
            long = f"Answer {n} about {topic}: " + "the policy page, section two, says so. " * 40
            seed(store, clock, W46 + timedelta(minutes=n), question, channel="C0PEOPLE",
                 user=f"U0R{n}", kind="correction", correction=long[:1490])  # fmt: skip
    clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))


@pytest.fixture
def h(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The app, the big week seeded and its digests sent."""
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase.load(None), clock=clock
    ) as harness:
        harness.runtime.settings = dataclasses.replace(harness.runtime.settings, admins=("UADMIN",))
        _seed_big_week(store, clock, tmp_path)
        send_digests(harness.runtime, harness.slack.client(), parse_week("2026-W46"))
        yield harness


def _parts(slack: FakeSlackApi) -> list[dict[str, Any]]:
    """The People team's digest: its parent (carrying the marker), then its thread replies."""
    [parent] = [m for m in slack.messages(DM) if m.get("metadata")]
    return [m for m in slack.messages(DM, thread_ts=parent["ts"]) if m.get("blocks")]


def _ids(message: dict[str, Any], prefix: str) -> list[str]:
    return [b["block_id"] for b in message["blocks"] if b.get("block_id", "").startswith(prefix)]


def _section(chars: int, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text="x" * chars))


def test_the_fake_refuses_what_slack_refuses(slack: FakeSlackApi) -> None:
    client = slack.client()
    fits = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 200}}] * MAX_BLOCKS
    client.chat_postMessage(channel="C1", text="at the limits", blocks=fits)
    oversize = {
        "invalid_blocks": [
            fits + fits[:1],  # 51 blocks
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
            [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
        ],
        "msg_blocks_too_long": [
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}}] * 5
        ],
    }
    for error, cases in oversize.items():
        for blocks in cases:
            with pytest.raises(SlackApiError) as refused:
                client.chat_postMessage(channel="C1", text="too big", blocks=blocks)
            assert refused.value.response["error"] == error
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="x" * 40_001)
    assert refused.value.response["error"] == "msg_too_long"
    [posted] = slack.messages("C1")
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel="C1", ts=posted["ts"], text="t", blocks=fits + fits[:1])
    assert refused.value.response["error"] == "invalid_blocks"


def test_as_one_message_this_digest_is_refused(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi
) -> None:
    """What the digest was before it was split: the fake (like Slack) refuses it."""
    _seed_big_week(store, clock, tmp_path)
    [people] = [o for o in store.list_owners() if o.name == "People team"]
    digest = build_digest(store, people, parse_week("2026-W46"))
    blocks = digest_blocks(digest, lambda channel, ts: "https://example.slack.com/x")
    assert len(digest.themes) == 5 and all(len(t.corrections) == 2 for t in digest.themes)
    assert text_length([b.to_dict() for b in blocks]) > 12_000
    with pytest.raises(SlackApiError) as refused:
        slack.client().chat_postMessage(channel=DM, text=fallback_text(digest), blocks=blocks)
    assert refused.value.response["error"] == "msg_blocks_too_long"


def test_a_long_digest_is_a_parent_and_replies_that_each_fit(h: AppHarness) -> None:
    parts = _parts(h.slack)
    assert len(parts) >= 2 and parts[0]["metadata"]["event_payload"]["period"] == "2026-W46"
    assert parts[0]["blocks"][0]["type"] == "header"
    assert all(p["thread_ts"] == parts[0]["ts"] for p in parts[1:])
    for part in parts:
        assert len(part["blocks"]) <= MAX_BLOCKS
        assert text_length(part["blocks"]) <= TEXT_PER_MESSAGE
        # A theme's buttons sit in the same message as the theme (updates find them there).
        held = {i.split(":")[1] for i in _ids(part, "theme:")}
        assert held == {i.split(":")[1] for i in _ids(part, "act:")}
    for part in parts[1:]:
        assert "continued" in part["text"] and "continued" in str(part["blocks"][0])
    themes = [i for p in parts for i in _ids(p, "theme:")]
    fixes = [i for p in parts for i in _ids(p, "fix:")]
    assert len(themes) == len(set(themes)) == 5 and len(fixes) == len(set(fixes)) == 10
    assert "Thumbs-down rate = thumbs down" in str(parts[-1]["blocks"][-1])
    [run] = [r for r in h.runtime.store.digest_runs("2026-W46") if r.channel_id == DM]
    assert (run.status, run.message_ts) == ("posted", parts[0]["ts"])


def _click_in(h: AppHarness, part: dict[str, Any], action_id: str, block_id: str) -> None:
    """Click a button of one message of the digest, as Slack sends it (a reply: thread_ts)."""
    [block] = [b for b in part["blocks"] if b.get("block_id") == block_id]
    [element] = [
        e
        for e in [*block.get("elements", []), block.get("accessory") or {}]
        if e.get("action_id") == action_id
    ]
    body = payloads.block_action(
        action_id, str(element.get("value", "")), user=OWNER, channel=DM,
        message_ts=part["ts"], thread_ts=part.get("thread_ts"), block_id=block_id,
        message_blocks=copy.deepcopy(part["blocks"]),
    )  # fmt: skip
    assert h.sender.send_interactive(body).status == 200


def _submit_modal(h: AppHarness, callback: str, count: int, values: dict[str, Any]) -> None:
    view = h.slack.wait_for("views.open", count=count)[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    body = payloads.view_submission(
        callback, values, private_metadata=view["private_metadata"], user=OWNER
    )
    assert h.sender.send_interactive(body).status == 200


def test_actions_on_a_theme_in_a_reply_update_that_reply(h: AppHarness) -> None:
    parts = _parts(h.slack)
    k = max(i for i, part in enumerate(parts) if i > 0 and _ids(part, "theme:"))  # a reply
    last = parts[k]
    theme = _ids(last, "theme:")[0].split(":")[1]
    _click_in(h, last, ActionId.SNOOZE_THEME, f"act:{theme}")
    [update] = h.slack.wait_for("chat.update")
    assert update.params["ts"] == last["ts"]
    assert f"state:{theme}" in _ids(_parts(h.slack)[k], "state:")

    # A modal's submission carries only channel:ts; a reply is read back from its thread.
    _click_in(h, _parts(h.slack)[k], ActionId.WONT_FIX, f"act:{theme}")
    empty: dict[str, Any] = {ModalBlock.REASON: {ModalBlock.REASON: {"value": None}}}
    _submit_modal(h, ActionId.WONT_FIX_MODAL, 1, empty)
    updates = h.slack.wait_for("chat.update", count=2)
    assert updates[-1].params["ts"] == last["ts"]
    assert "Won't fix: no reason given" in str(_parts(h.slack)[k]["blocks"])

    fix = _ids(_parts(h.slack)[1], "fix:")[0]
    _click_in(h, _parts(h.slack)[1], ActionId.APPROVE_CORRECTION, fix)
    view = h.slack.wait_for("views.open", count=2)[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    [answer] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.ANSWER]
    typed = {"type": "plain_text_input", "value": answer["element"]["initial_value"]}
    _submit_modal(h, ActionId.APPROVE_MODAL, 2, {ModalBlock.ANSWER: {ModalBlock.ANSWER: typed}})
    updates = h.slack.wait_for("chat.update", count=3)
    assert updates[-1].params["ts"] == _parts(h.slack)[1]["ts"]
    assert f"approved:{fix.split(':')[1]}" in _ids(_parts(h.slack)[1], "approved:")
    assert "edited" not in _parts(h.slack)[0]  # the parent was never touched


def test_groups_never_split_and_messages_keep_room_for_updates() -> None:
    def theme(n: int) -> list[Block]:
        return [_section(100, f"theme:{n}"), _section(100, f"fix:{n}0"), _section(100, f"act:{n}")]

    filler: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text="y")])] * 20
    messages = pack([filler, theme(1), filler, theme(2), filler])  # 66 blocks in all
    assert [len(m) for m in messages] == [46, 20]  # 46 + 4 lines an update may add = 50
    for index, message in enumerate(messages):
        ids = [str(b.to_dict().get("block_id", "")) for b in message]
        growth = sum(i.startswith(("theme:", "fix:")) for i in ids)  # a line each, later
        assert len(message) + growth + (1 if index else 0) <= MAX_BLOCKS
        for n in (1, 2):  # a theme's blocks are all here or none are
            assert sum(i.endswith((f":{n}", f":{n}0")) for i in ids) in (0, 3)
    sections = [[_section(2900)] for _ in range(4)]
    assert [len(m) for m in pack(sections)] == [3, 1]  # 8,700 characters fit, 11,600 not


def test_a_section_keeps_whole_lines_and_says_how_many_more() -> None:
    lines = [f"line {i} " + "z" * 90 for i in range(60)]
    text = lines_within(lines, 2900)
    assert len(text) <= 2900 and text.endswith("more")
    kept = text.splitlines()[:-1]
    assert kept == lines[: len(kept)] and text.endswith(f"…and {60 - len(kept)} more")
    assert lines_within(["short", "lines"], 2900) == "short\nlines"
    assert len(lines_within(["w" * 5000, "next"], 2900)) <= 2900
