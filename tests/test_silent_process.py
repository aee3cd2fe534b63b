"""Couldn't answer well, as deployed: `lastmile digest --send` lists last week's unflagged
failures for the owner, counted apart from flags; in a running `lastmile serve` the owner clicks
Propose an answer, writes it in the modal (signed HTTP), and the next employee asking any ticked
wording gets it as a verified answer; Undo stops it. With the Anthropic SDK against the fake
server, a provider error and a model's "I don't know" reach the digest the same way.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.answering.confidence import NO_SOURCE_LINE
from bot.answering.offline import DONT_KNOW
from bot.clock import ManualClock
from bot.digest.period import period_ended_before
from bot.vocabulary import ActionId, ModalBlock
from storage import Store, make_engine, upgrade
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.transport import SECRET
from tests.test_http_provider_process import asked_in_dm, markdown_digest
from tests.test_owner_actions_process import click_digest, digest_in_dm, digest_sent_then_served
from tests.test_transport_cli import environment, serving, within

DM = "D0OWNER1"  # the People team's digest goes to its owner's DM
CO_OWNER = "U0OWNER2"
CHANNEL = "C0PEOPLE"  # the People team's channel (tests/fakes/digest_data.py)
ASKED = (
    ("U0ASKER1", "Does the company pay for relocation?"),
    ("U0ASKER2", "Is there relocation support when moving?"),
    ("U0ASKER3", "Does the company cover relocation costs?"),
)
OWNER_ANSWER = "Relocation: up to 5,000 EUR for moves over 100 km, booked through People Ops."
OWNER_ANSWER_2 = "Relocation: up to 6,000 EUR for moves over 100 km, booked through People Ops."
Json = dict[str, Any]


def _seed_last_week(database_url: str, tmp_path: Path) -> None:
    """Three people got "I don't know" on relocation (nobody clicked); one vacation answer got a
    thumbs down."""
    period = period_ended_before(datetime.now(UTC), "UTC")
    clock = ManualClock(period.start + timedelta(days=1, hours=10))
    engine = make_engine(database_url)
    upgrade(engine)
    store = Store(engine, clock=clock)
    install_owners(store, tmp_path)
    for hour, (user, question) in enumerate(ASKED):
        at = period.start + timedelta(days=1, hours=10 + hour)
        seed(store, clock, at, question, kind=None, user=user, channel=CHANNEL,
             answer=DONT_KNOW, confidence_line=NO_SOURCE_LINE)  # fmt: skip
    at = period.start + timedelta(days=2, hours=9)
    seed(store, clock, at, "How many vacation days do I get?", kind="down", channel=CHANNEL)
    engine.dispose()


@pytest.fixture
def served(database_url: str, slack: FakeSlackApi, tmp_path: Path) -> Iterator[SlackSender]:
    """Last week's digest sent by the CLI, then `lastmile serve` running."""
    _seed_last_week(database_url, tmp_path)
    env = environment(
        database_url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        LASTMILE_OWNERS_FILE=str(tmp_path / "owners.toml"),
    )  # fmt: skip
    with digest_sent_then_served(env, tmp_path) as sender:
        yield sender


def _section(message: Json, action_id: str) -> Json:
    for block in message["blocks"]:
        if (block.get("accessory") or {}).get("action_id") == action_id:
            return dict(block)
    raise AssertionError(f"no {action_id} in the digest")


def _ask(sender: SlackSender, slack: FakeSlackApi, user: str, question: str) -> str:
    """An employee @mentions the bot in the People channel; the bot's final reply, as JSON."""
    mention = payloads.app_mention(f"<@UBOT> {question}", user=user, channel=CHANNEL)
    assert sender.send_event(mention).status == 200
    thread = str(mention["event"]["ts"])
    found: list[Json] = []

    def replied() -> bool:
        replies = [m for m in slack.messages(CHANNEL, thread) if m.get("ts") != thread]
        found[:] = [m for m in replies if m.get("text") and not m.get("streaming")]
        return bool(found)

    within(30, replied, f"{user}'s answer")
    return json.dumps(found[-1])


def test_the_digest_lists_unflagged_failures_apart_and_the_owner_answers_them(
    served: SlackSender, slack: FakeSlackApi
) -> None:
    sender = served
    digest = digest_in_dm(slack)
    shown = json.dumps(digest["blocks"])
    assert "*Couldn't answer well (not flagged)*: 3 (+3)" in shown
    assert "1 failure routed to you" in shown  # the thumbs down, counted apart
    assert "*Couldn't answer well* (3 questions, not flagged)" in shown
    section = _section(digest, ActionId.PROPOSE_ANSWER)
    assert '3 questions · 3 people · 3 "don\'t know"' in section["text"]["text"]

    click_digest(sender, slack, ActionId.PROPOSE_ANSWER, CO_OWNER)
    view = slack.wait_for("views.open")[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == ActionId.PROPOSE_MODAL
    assert ASKED[-1][1] in json.dumps(view["blocks"])  # the newest question is the one answered
    [boxes] = [b for b in view["blocks"] if b.get("block_id") == ModalBlock.VARIANTS]
    ticked = boxes["element"]["initial_options"]
    assert len(ticked) == 2  # the theme's two other wordings, ticked

    def submitted(text: str) -> Json:
        """The modal as Slack sends it when the owner submits `text`, questions ticked."""
        values: dict[str, Json] = {
            ModalBlock.ANSWER: {ModalBlock.ANSWER: {"type": "plain_text_input", "value": text}},
            ModalBlock.VARIANTS: {
                ModalBlock.VARIANTS: {"type": "checkboxes", "selected_options": ticked}
            },
        }
        return payloads.view_submission(
            ActionId.PROPOSE_MODAL, values, private_metadata=view["private_metadata"],
            user=CO_OWNER,
        )  # fmt: skip

    body = submitted(OWNER_ANSWER)
    assert sender.send_interactive(body).status == 200
    [update] = slack.wait_for("chat.update")
    assert update.params["ts"] == digest["ts"]
    approved = json.dumps(digest_in_dm(slack)["blocks"])
    assert f"Approved by <@{CO_OWNER}>" in approved
    assert ActionId.UNDO_APPROVE in approved and ActionId.PROPOSE_ANSWER not in approved
    assert OWNER_ANSWER in _ask(sender, slack, "U0ASKER4", ASKED[0][1])  # a ticked wording

    # Submitted again with other text (a co-owner at the same time): the last text is served
    # and the DM says so.
    assert sender.send_interactive(submitted(OWNER_ANSWER_2)).status == 200
    slack.wait_for("chat.update", count=2)
    told = [c.params["text"] for c in slack.calls_to("chat.postMessage")
            if c.params.get("channel") == CO_OWNER]  # fmt: skip
    assert told[-1].startswith("Updated: lastmile now answers this question")
    assert OWNER_ANSWER_2 in _ask(sender, slack, "U0ASKER6", ASKED[0][1])

    click_digest(sender, slack, ActionId.UNDO_APPROVE, CO_OWNER)
    slack.wait_for("chat.update", count=3)
    assert ActionId.APPROVE_CORRECTION in json.dumps(digest_in_dm(slack)["blocks"])  # approve again
    assert OWNER_ANSWER_2 not in _ask(sender, slack, "U0ASKER5", ASKED[0][1])


def test_propose_an_answer_is_refused_to_someone_who_owns_nothing(
    served: SlackSender, slack: FakeSlackApi
) -> None:
    before = copy.deepcopy(digest_in_dm(slack)["blocks"])
    click_digest(served, slack, ActionId.PROPOSE_ANSWER, "U0STRANGER")
    slack.wait_for("chat.postEphemeral")
    [refusal] = [e for e in slack.ephemerals(DM) if e["to_user"] == "U0STRANGER"]
    assert "only *People team* (or a lastmile admin) can act" in refusal["text"]
    assert not slack.calls_to("views.open") and not slack.calls_to("chat.update")
    assert digest_in_dm(slack)["blocks"] == before


def test_with_a_provider_errors_and_dont_know_reach_the_digest(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    """`lastmile serve` with the Anthropic SDK on the fake server: a 500 and a model saying it
    doesn't know are both in this week's "Couldn't answer well", and not in the flags."""
    owners = tmp_path / "owners.toml"
    owners.write_text('[[owner]]\nname = "AI platform"\nslack = "U0PLAT"\ndefault = true\n')
    provider = {
        "LASTMILE_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": "test-key",
        "LASTMILE_OWNERS_FILE": str(owners),
    }  # fmt: skip
    with FakeAnthropicServer() as llm:
        llm.fail_with(500, times=10)  # every try of this question, lastmile's retries included
        provider["ANTHROPIC_BASE_URL"] = llm.base_url
        with serving(database_url, slack, tmp_path, **provider) as sender:
            failed = asked_in_dm(sender, slack, database_url, payloads.dm("Where do I park?"))
    with FakeAnthropicServer() as llm:
        llm.reply_with("I don't know: nothing in the knowledge base covers the gym.")
        provider["ANTHROPIC_BASE_URL"] = llm.base_url
        with serving(database_url, slack, tmp_path, **provider) as sender:
            question = payloads.dm("Is there a gym discount?", user="U0OTHER")
            assert sender.send_event(question).status == 200
            slack.wait_for("chat.stopStream", count=2)
    assert failed.error is not None
    markdown = markdown_digest(database_url, slack, tmp_path, **provider)
    assert "0 failures routed to you" in markdown
    assert "| Couldn't answer well (not flagged) | 2 |" in markdown
    assert "## Couldn't answer well" in markdown
    assert "1 provider error" in markdown
    assert '1 "don\'t know"' in markdown
