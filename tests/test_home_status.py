"""Each of an employee's flags shows its true status in the App Home (signed app_home_opened).

One test per status, each asserting the words shown; "being worked on" only for an assigned
theme; the fixed statuses come from a real checked fix (Mark fixed, Confirm, the reporters'
replies) through the digest buttons.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.vocabulary import ActionId
from storage import Store
from storage.models import Theme
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.feedback_kit import FeedbackKit, feedback_app
from tests.fakes.slack_app import AppHarness
from tests.test_fix_check import CHANGED, FAILS, PASSES, _app, _check, _confirm, _notice, _press
from tests.test_home import flag_text, flag_texts, open_home

NOW = datetime(2026, 11, 18, 10, tzinfo=UTC)
ME = "U0ME"
QUESTION = "How many vacation days do I get?"


@pytest.fixture
def kit(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[FeedbackKit]:
    """The real app on fake Slack, with the owners file of the digest tests."""
    install_owners(store, tmp_path)
    clock.set(NOW)
    with feedback_app(store, clock) as k:
        yield k


def _flag(store: Store, clock: ManualClock, kind: str = "down", question: str = QUESTION) -> int:
    seeded = seed(store, clock, NOW - timedelta(hours=1), question, kind=kind, user=ME)
    clock.set(NOW)
    assert seeded.feedback_id is not None
    return seeded.feedback_id


def _in_theme(store: Store, feedback_id: int, label: str = "Vacation days", **fields: Any) -> None:
    theme = store.save_theme(
        Theme(label=label, first_seen=store.now(), last_seen=store.now(), **fields)
    )
    assert theme.id is not None
    store.tag_feedback(theme.id, [feedback_id])


def _status(kit: FeedbackKit, question: str = QUESTION, user: str = ME) -> str:
    return flag_text(open_home(kit.harness, user), question)


def _status_of(h: AppHarness, user: str, question: str) -> str:
    return flag_text(open_home(h, user), question)


def test_a_thumbs_up_is_thanked_never_shown_as_open(kit: FeedbackKit, clock: ManualClock) -> None:
    _flag(kit.store, clock, kind="up")
    shown = _status(kit)
    assert shown.startswith("*Thumbs up* on") and ":+1: thanks for the thumbs up" in shown
    assert "open" not in shown and ":hourglass:" not in shown


def test_a_flag_not_yet_in_a_theme_waits_for_its_owners_review(
    kit: FeedbackKit, clock: ManualClock
) -> None:
    _flag(kit.store, clock)
    shown = _status(kit)
    assert ":hourglass: open — waiting for this week's review by People team (every Monday)" in (
        shown
    )
    assert "theme" not in shown and "worked on" not in shown


def test_a_flag_nobody_owns_promises_no_review(store: Store, clock: ManualClock) -> None:
    _flag(store, clock)  # no owners file: nobody's digest will have it
    with feedback_app(store, clock) as kit:
        shown = _status(kit)
    assert "open — no one reviews answers on this subject yet, so it is in no digest" in shown
    assert "waiting for" not in shown


def test_an_open_unassigned_theme_is_not_said_to_be_worked_on(
    kit: FeedbackKit, clock: ManualClock
) -> None:
    _in_theme(kit.store, _flag(kit.store, clock))
    shown = _status(kit)
    assert ":hourglass: open — no one is working on it yet · theme “Vacation days”" in shown
    assert "being worked on" not in shown and "assigned" not in shown


def test_an_assigned_theme_names_the_assignee(kit: FeedbackKit, clock: ManualClock) -> None:
    _in_theme(kit.store, _flag(kit.store, clock), assignee="U0ALEX")
    shown = _status(kit)
    assert ":hammer_and_wrench: assigned to <@U0ALEX> — being worked on" in shown
    assert "theme “Vacation days”" in shown


def test_wont_fix_shows_the_owners_reason_escaped(kit: FeedbackKit, clock: ManualClock) -> None:
    _in_theme(
        kit.store,
        _flag(kit.store, clock),
        status="wont_fix",
        wont_fix_reason="<!channel> policy: ask HR",
    )
    shown = _status(kit)
    assert ":no_entry_sign: won't fix (&lt;!channel&gt; policy: ask HR)" in shown
    assert "<!channel>" not in shown and "open" not in shown


def test_wont_fix_without_a_reason(kit: FeedbackKit, clock: ManualClock) -> None:
    _in_theme(kit.store, _flag(kit.store, clock), status="wont_fix")
    assert ":no_entry_sign: won't fix · theme “Vacation days”" in _status(kit)


def test_a_snoozed_theme_says_until_when(kit: FeedbackKit, clock: ManualClock) -> None:
    until = datetime(2026, 11, 30, tzinfo=UTC)
    _in_theme(kit.store, _flag(kit.store, clock), snoozed_until=until)
    shown = _status(kit)
    assert ":zzz: open — put off by its owner until 30 Nov" in shown
    assert "worked on" not in shown


def test_question_theme_label_and_owner_text_are_escaped(
    kit: FeedbackKit, clock: ManualClock
) -> None:
    question = "<!channel> where is <https://evil.example|the VPN>?"
    _in_theme(kit.store, _flag(kit.store, clock, question=question), label="<!here> & VPN")
    texts = open_home(kit.harness, ME)
    shown = "\n".join(texts)
    assert "<!" not in shown and "<https" not in shown
    assert "&lt;!channel&gt; where is &lt;https://evil.example|the VPN&gt;?" in shown
    assert "theme “&lt;!here&gt; &amp; VPN”" in shown


def test_a_checked_fix_shows_each_reporter_what_it_did_for_them(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    with _app(store, clock, tmp_path) as h:
        before = _status_of(h, "U0R1", PASSES)
        assert (
            before.startswith("*Report (Outdated)* on")
            and "open — no one is working on it yet" in before
        )
        _confirm(h, _check(h))
        # Scored against its correction and passing: verified, though not yet replied to.
        assert ":white_check_mark: fix verified" in _status_of(h, "U0R1", PASSES)
        # Still the wrong answer when checked: not told, and Home does not say fixed either.
        failing = _status_of(h, "U0R2", FAILS)
        assert "marked fixed — fix being checked: your question still got the flagged" in failing
        assert "verified" not in failing and "confirmed" not in failing
        # Changed but nothing to score it against: waiting for the reporter's own word.
        assert "fix being checked: is the new answer I sent you by DM right?" in _status_of(
            h, "U0R3", CHANGED
        )
        _press(h, _notice(h, "U0R3")[0], ActionId.FIX_RIGHT, "U0R3", "D0R3")
        h.slack.wait_for("chat.update", count=2)  # the digest (confirmed), then the reply
        # The "Yes" is a thumbs up on the new answer: thanked; the flag says confirmed by you.
        vote, flag = flag_texts(open_home(h, "U0R3"), CHANGED)
        assert vote.startswith("*Thumbs up*") and "thanks for the thumbs up" in vote
        assert flag.startswith("*Thumbs down*") and "fix confirmed by you" in flag


def test_a_reporter_who_says_still_wrong_sees_the_theme_open_again(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    with _app(store, clock, tmp_path) as h:
        _confirm(h, _check(h))
        clock.advance(timedelta(hours=1))
        _press(h, _notice(h, "U0R1")[0], ActionId.FIX_WRONG, "U0R1", "D0R1")
        h.slack.wait_for("chat.update", count=2)  # the digest, then the reply
        # The "No" is a thumbs down on the new answer, in the same theme: both flags say open.
        down, report = flag_texts(open_home(h, "U0R1"), PASSES)
    assert down.startswith("*Thumbs down*") and report.startswith("*Report (Outdated)*")
    for shown in (down, report):
        assert ":hourglass: open — no one is working on it yet" in shown
        assert "marked fixed" not in shown and "verified" not in shown and "confirmed" not in shown
