"""The known-issue warning over signed HTTP: an answer on a subject colleagues flagged recently
says so and who reviews it, and says nothing once the theme is fixed or snoozed, for another
subject, or when the flags are old; the demo's week-2 warnings are on flagged subjects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anthropic
import pytest

from bot.answering import Answerer
from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.known_issues import KNOWN_ISSUE_MARK
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.digest.period import period_ended_before
from storage import Store, make_engine, upgrade
from storage.models import Theme
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.slack_app import AppHarness, running_app, write_knowledge
from tests.fakes.transport import SECRET
from tests.test_http_provider_process import stored_answers_at
from tests.test_owner_actions_process import send_digest
from tests.test_transport_cli import environment, linked_within, serving

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
LEAVE = "# Leave policy\n\nFull-time employees get 25 days of paid annual leave per year.\n"
VPN = "# VPN\n\nReset the VPN password in the VPN portal.\n"
FLAGGED = ("How many vacation days do I get per year?", "how many vacation days do we get")


@pytest.fixture
def flags_age_days() -> int:
    """How long ago the two flags were given."""
    return 2


@pytest.fixture
def flaggers() -> tuple[str, ...]:
    """Who gave the flags, one per flagged question."""
    return tuple(f"U0FLAG{n}" for n in range(len(FLAGGED)))


@pytest.fixture
def answerer(request: pytest.FixtureRequest) -> Answerer:
    """Who writes the answers: offline, or (indirect "anthropic") the real Anthropic SDK
    against the fake server."""
    if getattr(request, "param", "offline") == "anthropic":
        server: FakeAnthropicServer = request.getfixturevalue("llm")
        client = anthropic.Anthropic(api_key="test", base_url=server.base_url, max_retries=0)
        return AnthropicAnswerer(client, model="claude-test")
    return OfflineAnswerer()


@pytest.fixture
def app(
    store: Store,
    clock: ManualClock,
    tmp_path: Path,
    flags_age_days: int,
    flaggers: tuple[str, ...],
    answerer: Answerer,
) -> Iterator[AppHarness]:
    """The app over two pages; the People team owns a theme with two flags. Everything is
    stored before the app starts and the clock stays put (a clock jump while an event is being
    answered makes its lease look expired, and a second worker would take it over)."""
    knowledge = write_knowledge(tmp_path / "kb", {"leave.md": LEAVE, "vpn.md": VPN})
    owners = install_owners(store, tmp_path)
    theme = store.save_theme(
        Theme(owner_id=owners["People team"].id, label="Vacation days", first_seen=NOW,
              last_seen=NOW)
    )  # fmt: skip
    assert theme.id is not None
    flagged_at = NOW - timedelta(days=flags_age_days)
    ids = [
        seed(store, clock, flagged_at, q, user=user).feedback_id
        for q, user in zip(FLAGGED, flaggers, strict=True)
    ]
    store.tag_feedback(theme.id, [i for i in ids if i is not None])
    clock.set(NOW)
    with running_app(store, answerer=answerer, knowledge=knowledge, clock=clock) as h:
        yield h


def _answer(app: AppHarness, question: str) -> str:
    event = payloads.app_mention(f"<@UBOT> {question}")
    assert app.sender.send_event(event).status == 200
    app.slack.wait_for("chat.stopStream", count=len(app.slack.calls_to("chat.stopStream")) + 1)
    messages = app.slack.messages("C111", thread_ts=str(event["event"]["ts"]))
    assert len(messages) == 1, json.dumps(messages[1:])
    return str(messages[0]["text"])


def test_an_answer_on_a_recently_flagged_subject_says_so_and_who_reviews_it(
    app: AppHarness,
) -> None:
    text = _answer(app, "how many vacation days do I get?")
    assert "25 days" in text
    assert "Grounded" not in json.dumps(app.slack.calls_to("chat.stopStream")[-1].params)
    assert (
        f"{KNOWN_ISSUE_MARK} in the last 14 days (2 people); People team is reviewing them. "
        "Check this answer before relying on it."
    ) in text


@pytest.fixture
def llm() -> Iterator[FakeAnthropicServer]:
    """The fake Anthropic server, answering the vacation question from the leave page."""
    with FakeAnthropicServer() as server:
        server.reply_with("Full-time employees get 25 days of paid annual leave a year [1].")
        yield server


@pytest.mark.parametrize("answerer", ["anthropic"], indirect=True)
def test_with_a_model_the_warning_follows_its_answer(
    app: AppHarness, llm: FakeAnthropicServer
) -> None:
    text = _answer(app, "how many vacation days do I get?")
    assert text.startswith("Full-time employees get 25 days")
    assert f"{KNOWN_ISSUE_MARK} in the last 14 days (2 people)" in text
    assert "Grounded" not in json.dumps(app.slack.calls_to("chat.stopStream")[-1].params)
    assert len(llm.requests) == 1


def test_another_subject_gets_no_warning(app: AppHarness) -> None:
    assert KNOWN_ISSUE_MARK not in _answer(app, "how do I reset my VPN password?")


@pytest.mark.parametrize("change", ["fixed", "snoozed"])
def test_no_warning_once_the_theme_is_fixed_or_snoozed(
    app: AppHarness, store: Store, change: str
) -> None:
    [owner] = [o for o in store.list_owners() if o.name == "People team"]
    assert owner.id is not None
    [theme] = store.themes_for_owner(owner.id)
    if change == "fixed":
        theme.status, theme.fixed_at = "fixed", NOW
    else:
        theme.snoozed_until = NOW + timedelta(days=7)
    store.save_theme(theme)
    assert KNOWN_ISSUE_MARK not in _answer(app, "how many vacation days do I get?")


@pytest.mark.parametrize("flags_age_days", [15])
def test_no_warning_when_the_flags_are_older_than_two_weeks(app: AppHarness) -> None:
    assert KNOWN_ISSUE_MARK not in _answer(app, "how many vacation days do I get?")


@pytest.mark.parametrize("flaggers", [("U0ASKER", "U0ASKER")])
def test_one_persons_two_flags_are_no_pattern(app: AppHarness) -> None:
    """Two thumbs down from the same person count once: no warning."""
    assert KNOWN_ISSUE_MARK not in _answer(app, "how many vacation days do I get?")


def test_serve_as_deployed_warns_after_the_digest_made_the_theme(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    """As deployed: two people flagged the vacation answer last week, `lastmile digest --send`
    clustered them into the People team's theme, and `lastmile serve` (a process, signed
    HTTP) warns the next asker on that subject, and not an asker on another."""
    period = period_ended_before(datetime.now(UTC), "UTC")
    clock = ManualClock(period.start + timedelta(days=2, hours=10))
    engine = make_engine(database_url)
    upgrade(engine)
    store = Store(engine, clock=clock)
    install_owners(store, tmp_path)
    for hours, (question, user) in enumerate(zip(FLAGGED, ("U0FLAG1", "U0FLAG2"), strict=True)):
        seed(store, clock, period.start + timedelta(days=2, hours=10 + hours), question,
             user=user, channel="C0PEOPLE")  # fmt: skip
    engine.dispose()
    write_knowledge(tmp_path / "kb", {"leave.md": LEAVE, "vpn.md": VPN})
    extra = {
        "LASTMILE_OWNERS_FILE": str(tmp_path / "owners.toml"),
        "LASTMILE_KNOWLEDGE_DIR": str(tmp_path / "kb"),
    }
    env = environment(database_url, slack, SLACK_BOT_TOKEN="xoxb-test",
                      SLACK_SIGNING_SECRET=SECRET, **extra)  # fmt: skip
    send_digest(env, tmp_path)
    with serving(database_url, slack, tmp_path, **extra) as sender:
        events = (
            payloads.dm("how many vacation days?"),
            payloads.dm("how do I reset my VPN password?", user="U0OTHER"),
        )
        for count, event in enumerate(events, start=1):
            assert sender.send_event(event).status == 200
            stopped = slack.wait_for("chat.stopStream", count=count)[-1]
            linked_within(database_url, "D111", str(stopped.params["ts"]), seconds=20)
    asked = [a for a in stored_answers_at(database_url) if a.channel_id == "D111"]
    warned, other = sorted(asked, key=lambda a: a.id or 0)
    assert KNOWN_ISSUE_MARK in warned.text and "People team is reviewing them" in warned.text
    assert "25 days" in warned.text and not warned.confidence_line.startswith("Grounded")
    assert KNOWN_ISSUE_MARK not in other.text and "VPN portal" in other.text
