"""Owner actions as deployed: a digest sent by `lastmile digest --send`, clicked in a running
`lastmile serve` over signed HTTP, and the loop closed where employees see it.

A co-owner approves a proposed correction through the modal; the digest message is updated in
place for everyone reading it, and the next employee asking that question gets the approved
answer. Undo takes it back: the message offers Approve again and the next asker no longer gets
the approved text. Someone who owns nothing is refused and changes nothing.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.digest.period import period_ended_before
from bot.vocabulary import ActionId, ModalBlock
from storage import Store, make_engine, upgrade
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.process_output import StderrLines
from tests.fakes.transport import SECRET
from tests.test_transport_cli import environment, start, stop

DM = "D0OWNER1"  # the People team's digest goes to its owner's DM
CO_OWNER = "U0OWNER2"  # a member of the People team (tests/fakes/digest_data.py)
QUESTION = "How many vacation days do I get per year?"
APPROVED = "Full-time employees get 25 vacation days a year (Leave policy 2024)."
Json = dict[str, Any]


def _seed_last_week(database_url: str, tmp_path: Path) -> str:
    """Two people corrected the vacation answer last week; returns that week's key."""
    period = period_ended_before(datetime.now(UTC), "UTC")
    clock = ManualClock(period.start + timedelta(days=1, hours=10))
    engine = make_engine(database_url)
    upgrade(engine)
    store = Store(engine, clock=clock)
    install_owners(store, tmp_path)  # writes tmp_path/owners.toml
    for day, user in enumerate(["U0ASKER1", "U0ASKER2"], start=1):
        at = period.start + timedelta(days=day, hours=10)
        seed(store, clock, at, QUESTION, kind="correction", user=user, correction=APPROVED)
    engine.dispose()
    return period.key


def _env(database_url: str, slack: FakeSlackApi, tmp_path: Path) -> dict[str, str]:
    return environment(
        database_url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        LASTMILE_OWNERS_FILE=str(tmp_path / "owners.toml"),
    )  # fmt: skip


@pytest.fixture
def served(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> Iterator[tuple[SlackSender, str]]:
    """The digest posted by the CLI, then `lastmile serve` running; (sender, week)."""
    week = _seed_last_week(database_url, tmp_path)
    with digest_sent_then_served(_env(database_url, slack, tmp_path), tmp_path, week) as sender:
        yield sender, week


def send_digest(env: dict[str, str], cwd: Path, week: str | None = None) -> None:
    """`lastmile digest --send` (this week's, or `week`'s) as its own process; it must pass."""
    code = "from bot.cli import main; main()"
    args = ["digest", "--send", *(["--week", week] if week else [])]
    sent = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr


@contextmanager
def digest_sent_then_served(
    env: dict[str, str], cwd: Path, week: str | None = None
) -> Iterator[SlackSender]:
    """The digest sent by the CLI, then `lastmile serve` running; a signed sender to it."""
    send_digest(env, cwd, week)
    proc = start(["serve", "--host", "127.0.0.1", "--port", "0"], env, cwd)
    stderr = StderrLines(proc)
    try:
        line = stderr.wait_for("lastmile serving Slack at ")
        yield SlackSender(line.split(" at ", 1)[1].strip(), SECRET)
    finally:
        assert stop(proc) == 0


def digest_in_dm(slack: FakeSlackApi) -> Json:
    """The digest message in the People team owner's DM (the one with blocks)."""
    [message] = [m for m in slack.messages(DM) if m.get("blocks")]
    return message


def _element(message: Json, action_id: str) -> Json:
    for block in message["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return {"block_id": block["block_id"], **element}
    raise AssertionError(f"no {action_id} in the digest")


def click_digest(sender: SlackSender, slack: FakeSlackApi, action_id: str, user: str) -> None:
    """Click the digest as Slack shows it now: the current message rides along."""
    message = digest_in_dm(slack)
    element = _element(message, action_id)
    body = payloads.block_action(
        action_id, str(element["value"]), user=user, channel=DM, message_ts=message["ts"],
        block_id=element["block_id"], message_blocks=copy.deepcopy(message["blocks"]),
    )  # fmt: skip
    assert sender.send_interactive(body).status == 200


def _ask(sender: SlackSender, slack: FakeSlackApi, user: str) -> str:
    """An employee @mentions the bot with QUESTION; the text of the bot's reply in the thread."""
    mention = payloads.app_mention(f"<@UBOT> {QUESTION}", user=user, channel="C0GENERAL")
    assert sender.send_event(mention).status == 200
    thread = mention["event"]["ts"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        replies = [m for m in slack.messages("C0GENERAL", thread) if m.get("ts") != thread]
        done = [m for m in replies if m.get("text") and not m.get("streaming")]
        if done:
            return json.dumps(done[-1])
        time.sleep(0.1)
    raise AssertionError(f"no reply to {user}'s question within 30 s")


def test_approve_then_undo_from_a_running_server(
    served: tuple[SlackSender, str], slack: FakeSlackApi
) -> None:
    sender, _ = served
    assert "Approved by" not in str(digest_in_dm(slack)["blocks"])

    click_digest(sender, slack, ActionId.APPROVE_CORRECTION, CO_OWNER)
    view = slack.wait_for("views.open")[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    typed = {"type": "plain_text_input", "value": APPROVED}
    body = payloads.view_submission(
        ActionId.APPROVE_MODAL, {ModalBlock.ANSWER: {ModalBlock.ANSWER: typed}},
        private_metadata=view["private_metadata"], user=CO_OWNER,
    )  # fmt: skip
    assert sender.send_interactive(body).status == 200
    [update] = slack.wait_for("chat.update")
    assert update.params["channel"] == DM and update.params["ts"] == digest_in_dm(slack)["ts"]
    approved = str(digest_in_dm(slack)["blocks"])  # what every co-owner reading the DM now sees
    assert f"Approved by <@{CO_OWNER}>" in approved
    assert ActionId.UNDO_APPROVE in approved and ActionId.APPROVE_CORRECTION not in approved
    assert APPROVED in _ask(sender, slack, "U0ASKER3")  # served as the verified answer

    click_digest(sender, slack, ActionId.UNDO_APPROVE, CO_OWNER)
    slack.wait_for("chat.update", count=2)
    undone = str(digest_in_dm(slack)["blocks"])
    assert ActionId.APPROVE_CORRECTION in undone and ActionId.UNDO_APPROVE not in undone
    assert APPROVED not in _ask(sender, slack, "U0ASKER4")  # no longer served


def test_someone_who_owns_nothing_is_refused_and_the_digest_stays(
    served: tuple[SlackSender, str], slack: FakeSlackApi
) -> None:
    sender, _ = served
    before = copy.deepcopy(digest_in_dm(slack)["blocks"])
    click_digest(sender, slack, ActionId.WONT_FIX, "U0STRANGER")
    slack.wait_for("chat.postEphemeral")
    [refusal] = [e for e in slack.ephemerals(DM) if e["to_user"] == "U0STRANGER"]
    assert "only *People team* (or a lastmile admin) can act" in refusal["text"]
    assert not slack.calls_to("views.open") and not slack.calls_to("chat.update")
    assert digest_in_dm(slack)["blocks"] == before
