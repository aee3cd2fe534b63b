"""Mark fixed is checked before anyone is told; reporters confirm or reopen; fixed themes watched.

Driven over signed HTTP: the real app, the fake Slack Web API, a real database, the offline
answerer on a one-page knowledge base that now says 25 vacation days.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.answering.types import Passage
from bot.clock import ManualClock
from bot.digest import build_digest, parse_week, render_markdown
from bot.digest.fix_tally import FixTally, fix_tally
from bot.vocabulary import ActionId
from handlers.digest.blocks import digest_blocks
from handlers.digest.send import send_digests
from storage import Store
from storage.models import Feedback
from tests.fakes import payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.slack_app import AppHarness, running_app

W46 = datetime(2026, 11, 10, 10, tzinfo=UTC)
MONDAY = datetime(2026, 11, 16, 9, tzinfo=UTC)
OWNER_DM = "D0OWNER1"  # the fake's DM channel with U0OWNER1
PAGE = Passage(
    "Vacation policy", "hr/vacation.md", "Vacation days",
    "Every employee gets 25 vacation days per year. Days are booked in the HR portal.",
)  # fmt: skip
PASSES = "How many vacation days do I get per year?"  # corrected: 25 days, which the page says
FAILS = "Can I carry over unused vacation days?"  # corrected: 5 days, which the page doesn't say
CHANGED = "vacation days policy for new hires"  # a thumbs down, no correction to check against
CARRY_OVER = "Up to 5 unused days carry over to next year"


@contextmanager
def _app(
    store: Store, clock: ManualClock, tmp_path: Path, *more: tuple[str, str]
) -> Iterator[AppHarness]:
    """Owners installed, one vacation theme of three reporters (and `more` thumbs down on
    (question, user)), its digest posted."""
    knowledge = KnowledgeBase([PAGE])
    with running_app(store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock) as h:
        h.runtime.settings = dataclasses.replace(h.runtime.settings, admins=("UADMIN",))
        install_owners(store, tmp_path)
        seed(store, clock, W46, PASSES, user="U0R1", kind="report", reason="outdated",
             correction="25 vacation days per year")  # fmt: skip
        seed(store, clock, W46 + timedelta(hours=1), FAILS, user="U0R2", kind="correction",
             correction=CARRY_OVER)  # fmt: skip
        seed(store, clock, W46 + timedelta(hours=2), CHANGED, user="U0R3", kind="down")
        for hours, (question, user) in enumerate(more, start=3):
            seed(store, clock, W46 + timedelta(hours=hours), question, user=user, kind="down")
        clock.set(MONDAY)
        send_digests(h.runtime, h.slack.client(), parse_week("2026-W46"))
        yield h


@pytest.fixture
def h(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The app with the vacation theme's digest posted."""
    with _app(store, clock, tmp_path) as harness:
        yield harness


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in message.get("blocks") or []:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id"):
                found.append({"block_id": block.get("block_id", "b"), **element})
    return found


def _press(h: AppHarness, message: dict[str, Any], action_id: str, user: str, channel: str) -> None:
    [button] = [b for b in _buttons(message) if b["action_id"] == action_id]
    body = payloads.block_action(
        action_id, str(button.get("value", "")), user=user, channel=channel,
        message_ts=str(message["ts"]), block_id=button["block_id"],
        message_blocks=message.get("blocks"),
    )  # fmt: skip
    assert h.sender.send_interactive(body).status == 200


def _digest(h: AppHarness) -> dict[str, Any]:
    [message] = [m for m in h.slack.messages(OWNER_DM) if m.get("blocks")]
    return message


def _theme_id(h: AppHarness) -> int:
    # The theme's section keeps its id; its buttons change once an owner acts.
    [block_id] = [b["block_id"] for b in _digest(h)["blocks"] if "theme:" in b.get("block_id", "")]
    return int(block_id.split(":")[1])


def _ephemerals(h: AppHarness, count: int) -> list[dict[str, Any]]:
    h.slack.wait_for("chat.postEphemeral", count=count)
    return h.slack.ephemerals(OWNER_DM)


def _check(
    h: AppHarness, user: str = "U0OWNER1", digest: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Press Mark fixed (on `digest`, an earlier copy, if given); the ephemeral with the check."""
    before = len(h.slack.ephemerals(OWNER_DM))
    _press(h, digest or _digest(h), ActionId.MARK_FIXED, user, OWNER_DM)
    checking, check = _ephemerals(h, before + 2)[-2:]
    assert "Checking" in checking["text"] and not checking.get("blocks")
    return check


def _confirm(h: AppHarness, check: dict[str, Any], user: str = "U0OWNER1") -> dict[str, Any]:
    before = len(h.slack.ephemerals(OWNER_DM))
    _press(h, check, ActionId.CONFIRM_FIXED, user, OWNER_DM)
    return _ephemerals(h, before + 1)[-1]


def _notice(h: AppHarness, reporter: str) -> list[dict[str, Any]]:
    """The messages the reporter got in their DM with the bot."""
    return h.slack.messages("D" + reporter[1:])


def test_mark_fixed_shows_the_check_and_changes_nothing_before_confirming(h: AppHarness) -> None:
    check = _check(h)
    assert "1 now pass, 1 changed but can't be checked (no correction), 1 still gets" in str(
        check["text"]
    )
    shown = str(check["blocks"])
    assert FAILS in shown and ":x:" in shown and ":white_check_mark:" in shown
    assert [b["action_id"] for b in _buttons(check)] == [ActionId.CONFIRM_FIXED]
    assert "Confirming tells 2 reporters" in shown
    assert "1 reporter whose question still fails won" in shown  # ...'t be told
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open" and theme.fixed_at is None
    assert all(not _notice(h, user) for user in ("U0R1", "U0R2", "U0R3"))


def test_confirm_tells_only_reporters_whose_question_now_passes_or_changed(
    h: AppHarness,
) -> None:
    reply = _confirm(h, _check(h))
    assert "told 2 reporter(s)" in reply["text"] and "<@U0R2>" in reply["text"]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "fixed" and theme.fixed_by == "U0OWNER1"
    assert _notice(h, "U0R2") == []  # still gets a wrong answer: not told it is fixed
    [passed] = _notice(h, "U0R1")
    text = str(passed["blocks"])
    assert PASSES in text and "25 vacation days per year" in text and "was fixed" in text
    assert "Is this right now?" in text
    buttons = [b["action_id"] for b in _buttons(passed)]
    assert buttons == [ActionId.FIX_RIGHT, ActionId.FIX_WRONG]
    [changed] = _notice(h, "U0R3")
    assert CHANGED in str(changed["blocks"]) and "has changed" in str(changed["blocks"])
    with h.runtime.store.session() as session:
        untold = session.exec(select(Feedback).where(Feedback.user_id == "U0R2")).one()
    assert untold.notified_fixed_at is None  # a later, real fix can still tell them


def test_a_check_a_day_old_is_not_confirmed(h: AppHarness, clock: ManualClock) -> None:
    check = _check(h)
    clock.advance(timedelta(hours=25))
    assert "out of date" in _confirm(h, check)["text"]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"
    assert all(not _notice(h, user) for user in ("U0R1", "U0R2", "U0R3"))


def test_confirming_twice_tells_nobody_twice(h: AppHarness) -> None:
    before = copy.deepcopy(_digest(h))  # confirming replaces Mark fixed with Undo
    check = _check(h)
    _confirm(h, check)
    again = _confirm(h, check, user="U0OWNER2")  # a member, clicking the same check
    assert "already confirmed" in again["text"]
    fresh = _check(h, user="U0OWNER2", digest=before)  # everyone who can be told was
    assert "Confirming tells 0 reporters" in str(fresh["blocks"])
    second = _confirm(h, fresh)
    assert "told 0 reporter(s)" in second["text"]
    assert len(_notice(h, "U0R1")) == 1 and len(_notice(h, "U0R3")) == 1


def test_a_reporters_no_reopens_the_theme_and_tells_the_owner(
    h: AppHarness, clock: ManualClock
) -> None:
    _confirm(h, _check(h))
    clock.advance(timedelta(hours=1))
    [notice] = _notice(h, "U0R1")
    _press(h, notice, ActionId.FIX_WRONG, "U0STRANGER", "D0R1")  # not theirs: refused
    h.slack.wait_for("chat.postEphemeral", count=4)
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "fixed"
    _press(h, notice, ActionId.FIX_WRONG, "U0R1", "D0R1")
    told = h.slack.wait_for("chat.postMessage", count=5)[-1]  # 2 digests, 2 notices, owner
    assert "still wrong" in str(told.params["text"])
    owner_dm = [m for m in h.slack.messages(OWNER_DM) if "still wrong" in str(m.get("text"))]
    assert len(owner_dm) == 1 and "<@U0R1>" in owner_dm[0]["text"]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open" and theme.fixed_at is not None
    # A second click on an old copy of the message can't turn "still wrong" into "right".
    before = len(h.slack.calls_to("chat.postEphemeral"))
    _press(h, notice, ActionId.FIX_RIGHT, "U0R1", "D0R1")
    again = h.slack.wait_for("chat.postEphemeral", count=before + 1)[-1]
    assert "your first answer stands" in str(again.params["text"])
    [button] = [b for b in _buttons(notice) if b["action_id"] == ActionId.FIX_RIGHT]
    stored = h.runtime.store.get_fix_notice(int(button["value"]))
    assert stored is not None and stored.reply == "wrong"
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"


def test_replies_count_in_the_next_digest_and_a_no_shows_it_regressed(
    h: AppHarness, clock: ManualClock
) -> None:
    _confirm(h, _check(h))
    clock.set(MONDAY + timedelta(hours=2))
    _press(h, _notice(h, "U0R3")[0], ActionId.FIX_RIGHT, "U0R3", "D0R3")
    _press(h, _notice(h, "U0R1")[0], ActionId.FIX_WRONG, "U0R1", "D0R1")
    h.slack.wait_for("chat.update", count=3)  # the digest (confirmed), then both replies
    store = h.runtime.store
    [owner] = [o for o in store.list_owners() if o.name == "People team"]
    digest = build_digest(store, owner, parse_week("2026-W47"))
    [fix] = digest.fixes
    assert (fix.told, fix.confirmed, fix.disputed, fix.held_back) == (2, 1, 1, 1)
    assert fix.text.startswith("1 of 2 reporters confirmed the fix")
    [theme] = [t for t in digest.themes if t.theme_id == _theme_id(h)]
    assert theme.status == "regressed"
    assert "1 of 2 reporters confirmed the fix, 1 says still wrong" in render_markdown(digest)
    blocks = str([block.to_dict() for block in digest_blocks(digest, lambda c, t: "")])
    assert "1 of 2 reporters confirmed the fix" in blocks


def test_fix_tally_rechecks_every_reporter_told_against_todays_answer(h: AppHarness) -> None:
    _confirm(h, _check(h))
    assert fix_tally(h.runtime) == FixTally(told=2, held_back=1, told_while_failing=0)
    h.runtime.knowledge = KnowledgeBase([])  # the page is gone: U0R1's 25 days is not said
    assert fix_tally(h.runtime) == FixTally(told=2, held_back=1, told_while_failing=1)


def _flag(h: AppHarness, clock: ManualClock, question: str, user: str) -> None:
    """A new question answered after the fix, then a thumbs down on it over signed HTTP."""
    clock.set(clock() + timedelta(minutes=5))
    store = h.runtime.store
    ts = f"1900{len(store.list_owners())}{user[-2:]}.{int(clock().timestamp()) % 1000000:06d}"
    q = store.add_question(text=question, user_id=user, channel_id="C0GENERAL", message_ts=ts)
    assert q.id is not None
    store.add_answer(
        question_id=q.id, text="Twenty days.", provider="offline", model="m", prompt_version="p",
        channel_id="C0GENERAL", message_ts=ts, thread_ts=ts,
    )  # fmt: skip
    body = payloads.block_action(
        ActionId.FEEDBACK_BUTTONS, "down", user=user, channel="C0GENERAL", message_ts=ts,
        thread_ts=ts, action_type="feedback_buttons",
    )  # fmt: skip
    assert h.sender.send_interactive(body).status == 200


def test_a_new_flag_on_a_fixed_themes_question_reopens_it_at_once(
    h: AppHarness, clock: ManualClock
) -> None:
    _confirm(h, _check(h))
    posted = len(h.slack.calls_to("chat.postMessage"))
    _flag(h, clock, "How many vacation days do contractors get?", "U0NEAR")  # other subject
    h.slack.wait_for("views.update")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "fixed"
    assert len(h.slack.calls_to("chat.postMessage")) == posted
    _flag(h, clock, "how many vacation days do I get per year", "U0NEW")
    told = h.slack.wait_for("chat.postMessage", count=posted + 1)[-1]
    assert "was marked fixed" in told.params["text"] and "<@U0NEW>" in told.params["text"]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"


def test_a_thumbs_down_reaction_on_the_new_answer_reopens_the_theme_too(h: AppHarness) -> None:
    _confirm(h, _check(h))
    [notice] = _notice(h, "U0R1")
    posted = len(h.slack.calls_to("chat.postMessage"))
    event = payloads.reaction_added("-1", item_ts=notice["ts"], user="U0R1", item_channel="D0R1")
    assert h.sender.send_event(event).status == 200
    told = h.slack.wait_for("chat.postMessage", count=posted + 1)[-1]
    assert "was marked fixed" in told.params["text"] and "<@U0R1>" in told.params["text"]
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"


def test_only_the_owner_may_confirm(h: AppHarness) -> None:
    check = _check(h)
    _press(h, check, ActionId.CONFIRM_FIXED, "U0STRANGER", OWNER_DM)
    calls = h.slack.wait_for("chat.postEphemeral", count=3)
    [refusal] = [c for c in calls if c.params["user"] == "U0STRANGER"]
    assert refusal.params["text"].startswith("Sorry, only *People team*")
    theme = h.runtime.store.get_theme(_theme_id(h))
    assert theme is not None and theme.status == "open"
    assert all(not _notice(h, user) for user in ("U0R1", "U0R2", "U0R3"))


def test_a_confirmed_paraphrase_becomes_a_variant_of_the_verified_answer(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    paraphrase = "Do unused vacation days carry over?"
    with _app(store, clock, tmp_path, (paraphrase, "U0R4")) as h:
        [correction] = [r for r in store.theme_reports(_theme_id(h)) if r.user_id == "U0R2"]
        approved = store.approve_verified(
            correction.feedback_id, answer=CARRY_OVER, variants=[], approved_by="U0OWNER1"
        )
        assert approved is not None and approved[0].id is not None
        verified_id = approved[0].id
        check = _check(h)
        assert "2 now pass, 2 changed" in check["text"]  # the verified answer serves both
        _confirm(h, check)
        [notice] = _notice(h, "U0R4")
        assert CARRY_OVER in str(notice["blocks"])
        _press(h, notice, ActionId.FIX_RIGHT, "U0R4", "D0R4")
        _press(h, _notice(h, "U0R1")[0], ActionId.FIX_RIGHT, "U0R1", "D0R1")  # from knowledge
        h.slack.wait_for("chat.update", count=3)  # the digest (confirmed), then both replies
        variants = store.verified_variants([verified_id])[verified_id]
        assert paraphrase in variants and PASSES not in variants
