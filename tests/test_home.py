"""The App Home over signed HTTP: a person's flags with their status; owners see the week."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from storage import Store
from storage.models import Owner, Theme
from tests.fakes import payloads
from tests.fakes.feedback_kit import FeedbackKit, feedback_app


@pytest.fixture
def kit(store: Store, clock: ManualClock) -> Iterator[FeedbackKit]:
    """The real app on fake Slack."""
    with feedback_app(store, clock) as k:
        yield k


def _open_home(kit: FeedbackKit, user: str, count: int) -> str:
    kit.harness.sender.send_event(payloads.app_home_opened(user))
    kit.harness.slack.wait_for("views.publish", count=count)
    view = kit.harness.slack.home_view(user)
    assert view is not None and view["type"] == "home"
    return json.dumps(view["blocks"])


def test_home_lists_a_persons_feedback_with_status(kit: FeedbackKit) -> None:
    store = kit.store
    questions = ("Open <q>?", "Themed?", "Fixed?", "Still failing?")
    open_one, themed, fixed, untold = (kit.answer(question=q) for q in questions)
    for n, answer in enumerate((open_one, themed, fixed, untold), start=1):
        kit.click_vote(answer, "down", user="W222")
        kit.wait(n)
    with store.session() as session:
        working = Theme(label="Leave policy", first_seen=store.now(), last_seen=store.now())
        done = Theme(label="VPN", status="fixed", first_seen=store.now(), last_seen=store.now())
        session.add_all([working, done])
        session.flush()
        for answer, theme in ((themed, working), (fixed, done), (untold, done)):
            [row] = store.feedback_for_answer(answer.id or 0)
            row.theme_id = theme.id
            # Told only when the fix check found their own question answered right now.
            row.notified_fixed_at = store.now() if answer is fixed else None
            session.add(row)
    blocks = _open_home(kit, "W222", 1)
    assert "Open &lt;q&gt;?" in blocks and ":hourglass: open" in blocks
    assert "in a theme being worked on: Leave policy" in blocks
    # The theme is marked fixed, but only the person who was told sees "fixed".
    assert blocks.count(":white_check_mark: fixed") == 1
    assert "in a theme being worked on: VPN" in blocks
    assert "This week so far" not in blocks  # not an owner


def test_owner_also_sees_the_week_so_far(kit: FeedbackKit) -> None:
    store = kit.store
    with store.session() as session:
        owner = Owner(
            name="People team", slack_id="U0PEOPLE", members=["W777"], created_at=store.now()
        )
        session.add(owner)
        session.flush()
        session.add(
            Theme(
                owner_id=owner.id,
                label="Parental leave",
                first_seen=store.now(),
                last_seen=store.now(),
            )
        )
    answer = kit.answer()
    kit.click_vote(answer, "down", user="W222")
    kit.click_vote(answer, "up", user="W223")
    kit.wait(2)
    blocks = _open_home(kit, "W777", 1)
    assert "This week so far" in blocks and "1 questions" in blocks
    assert "1 :+1:" in blocks and "1 :-1:" in blocks and "Parental leave" in blocks
    assert "Nothing flagged yet" in blocks
