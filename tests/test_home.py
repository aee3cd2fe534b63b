"""The App Home over signed HTTP: owners see exactly their digest's numbers for the week so far.

A week of data for two owners (and the week before) is seeded; each owner's Home line must be
the numbers `build_digest` gives that owner for the same week, never the workspace's totals or
the other owner's. Helpers here (`open_home`, `flag_text`) are shared by tests/test_home_*.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.digest import build_digest
from bot.digest.model import Counts
from bot.digest.period import week_containing
from storage import Store
from storage.models import Theme
from tests.fakes import payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.feedback_kit import FeedbackKit, feedback_app
from tests.fakes.slack_app import AppHarness

MONDAY = datetime(2026, 11, 16, 10, tzinfo=UTC)  # ISO week 2026-W47
THURSDAY = MONDAY + timedelta(days=3)
OWNERS = """
[[owner]]
name = "People team"
slack = "U0OWNER1"
channels = ["C0PEOPLE"]
topics = ["vacation", "payroll"]
members = ["U0OWNER2", "U0BOTH"]

[[owner]]
name = "AI platform"
slack = "U0PLAT"
members = ["U0BOTH"]
default = true
"""


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        text = node.get("text")
        own = [text] if isinstance(text, str) else []
        return own + [
            t for value in node.values() if not isinstance(value, str) for t in _texts(value)
        ]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def open_home(harness: AppHarness, user: str) -> list[str]:
    """Send a signed app_home_opened for `user`; the texts of the Home view published."""
    before = len(harness.slack.calls_to("views.publish"))
    harness.sender.send_event(payloads.app_home_opened(user))
    harness.slack.wait_for("views.publish", count=before + 1)
    view = harness.slack.home_view(user)
    assert view is not None and view["type"] == "home"
    return _texts(view["blocks"])


def flag_texts(texts: list[str], question: str) -> list[str]:
    """The Home entries about `question`, newest first: `*Kind* on “question”` and a status."""
    return [text for text in texts if f"on “{question}”" in text]


def flag_text(texts: list[str], question: str) -> str:
    """The one Home entry about `question`."""
    [entry] = flag_texts(texts, question)
    return entry


def expected_line(counts: Counts) -> str:
    """The Home line for a digest's headline numbers."""
    votes = counts.up + counts.down
    return (
        f"{counts.questions} questions · {counts.up} :+1: · {counts.down} :-1: "
        f"({counts.down_rate:.0%} of {votes} votes thumbs down) · "
        f"{counts.reports} reports · {counts.corrections} corrections"
    )


@pytest.fixture
def kit(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[FeedbackKit]:
    """The real app on fake Slack, two owners, a week of each owner's data and the week before."""
    install_owners(store, tmp_path, OWNERS)
    last_week = MONDAY - timedelta(days=7)
    for hours in range(3):  # the People team's previous week: not this week's numbers
        seed(store, clock, last_week + timedelta(hours=hours), "Vacation days?", kind="down")
    people = [
        ("How many vacation days do I get?", "down", "C0GENERAL"),  # topic
        ("When is payroll run?", "up", "C0GENERAL"),  # topic
        ("Where is the org chart?", "report", "C0PEOPLE"),  # channel
        ("Can I carry over vacation days?", "down", "C0GENERAL"),
        ("Is payroll late this month?", None, "C0GENERAL"),
    ]
    platform = [
        ("Printer setup?", "down"),
        ("VPN client?", "up"),
        ("Monitor cable?", "up"),
        ("Laptop refresh?", "correction"),
        ("Wifi password?", "up"),
        ("Docking station?", None),
    ]
    for hours, (question, kind, channel) in enumerate(people):
        seed(store, clock, MONDAY + timedelta(hours=hours), question, kind=kind, channel=channel)
    for hours, (question, kind) in enumerate(platform):
        seed(store, clock, MONDAY + timedelta(hours=10 + hours), question, kind=kind)
    clock.set(THURSDAY)
    with feedback_app(store, clock) as k:
        yield k


def _digest_counts(store: Store, name: str) -> Counts:
    [owner] = [o for o in store.list_owners() if o.name == name]
    return build_digest(store, owner, week_containing(store.now(), "UTC")).counts


def test_owner_home_shows_exactly_that_owners_digest_numbers(kit: FeedbackKit) -> None:
    home = "\n".join(open_home(kit.harness, "U0OWNER1"))
    people = _digest_counts(kit.store, "People team")
    assert people == Counts(questions=5, answers=5, up=1, down=2, reports=1)
    assert "This week so far" in home and "*People team* · 16 Nov – 22 Nov (UTC)" in home
    assert expected_line(people) in home
    assert "5 questions · 1 :+1: · 2 :-1: (67% of 3 votes thumbs down) · 1 reports" in home
    # Not the workspace (11 questions, 4 up, 3 down), not last week, not the other owner.
    assert "11 questions" not in home and "AI platform" not in home
    platform = _digest_counts(kit.store, "AI platform")
    assert expected_line(platform) not in home


def test_each_owner_sees_its_own_numbers_and_a_member_of_both_sees_both(
    kit: FeedbackKit,
) -> None:
    platform_home = "\n".join(open_home(kit.harness, "U0PLAT"))
    both = "\n".join(open_home(kit.harness, "U0BOTH"))
    people = _digest_counts(kit.store, "People team")
    platform = _digest_counts(kit.store, "AI platform")
    assert platform == Counts(questions=6, answers=6, up=3, down=1, corrections=1)
    assert expected_line(platform) in platform_home and "People team" not in platform_home
    assert "6 questions · 3 :+1: · 1 :-1: (25% of 4 votes thumbs down)" in platform_home
    assert expected_line(people) in both and expected_line(platform) in both


def test_a_member_sees_the_week_and_an_employee_does_not(kit: FeedbackKit) -> None:
    member = "\n".join(open_home(kit.harness, "U0OWNER2"))
    assert expected_line(_digest_counts(kit.store, "People team")) in member
    employee = "\n".join(open_home(kit.harness, "U0ASKER"))
    assert "This week so far" not in employee and "questions ·" not in employee


def test_a_week_without_votes_says_so_rather_than_zero_percent(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    install_owners(store, tmp_path, OWNERS)
    seed(store, clock, MONDAY, "Where is the org chart?", kind=None, channel="C0PEOPLE")
    with feedback_app(store, clock) as kit:
        home = "\n".join(open_home(kit.harness, "U0OWNER1"))
    assert "1 questions · 0 :+1: · 0 :-1: (no votes yet)" in home and "0%" not in home


def test_top_open_themes_are_the_owners_awake_ones_with_their_assignee(kit: FeedbackKit) -> None:
    store = kit.store
    [people, platform] = store.list_owners()
    now = store.now()
    for owner, label, fields in (
        (people, "<!channel> Vacation days", {"assignee": "U0ALEX"}),
        (people, "Parental leave", {"snoozed_until": now + timedelta(days=7)}),
        (people, "Payroll dates", {"status": "wont_fix"}),
        (platform, "Printer drivers", {}),
    ):
        store.save_theme(
            Theme(owner_id=owner.id, label=label, first_seen=now, last_seen=now, **fields)
        )
    home = "\n".join(open_home(kit.harness, "U0OWNER1"))
    assert "• &lt;!channel&gt; Vacation days (0) · assigned to <@U0ALEX>" in home
    assert "<!channel>" not in home
    # Snoozed, won't fix, and another owner's theme are not this owner's open themes.
    assert "Parental leave" not in home and "Payroll dates" not in home
    assert "Printer drivers" not in home
