"""An answer over pages that disagree says so, prefers the newer page and is never "grounded":
over signed HTTP with the offline answerer and with the real Anthropic SDK (fake server), and
in `lastmile serve` run as a process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest

from bot.answering import KnowledgeBase
from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.disagreement import DISAGREE_LINE
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from storage import Store
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.slack_app import AppHarness, running_app, stored_answers, write_knowledge
from tests.test_http_provider_process import asked_in_dm
from tests.test_transport_cli import serving

HANDBOOK = """---
title: Employee handbook (2019)
updated: 2019-03-01
---
# Employee handbook (2019)

## Vacation

Every employee gets 20 vacation days per year. Ask your manager by email before booking them.
"""
LEAVE = """---
title: Leave policy
updated: 2025-11-03
---
# Leave policy

## Annual leave

Full-time employees get 25 days of paid annual leave per calendar year.
"""
QUESTION = "how many vacation days do I get per year?"
LINE = (
    ":warning: The sources disagree: *Leave policy* (updated 03 Nov 2025) says *25 days*; "
    "*Employee handbook (2019)* (updated 01 Mar 2019) says *20 vacation days*. The newer page "
    "is more likely right."
)


def _knowledge(root: Path, leave: str = LEAVE) -> KnowledgeBase:
    return write_knowledge(root, {"hr/handbook-2019.md": HANDBOOK, "hr/leave.md": leave})


def _ask(app: AppHarness, question: str = QUESTION) -> dict[str, object]:
    event = payloads.app_mention(f"<@UBOT> {question}")
    assert app.sender.send_event(event).status == 200
    app.slack.wait_for("chat.stopStream")
    [message] = app.slack.messages("C111", thread_ts=str(event["event"]["ts"]))
    app.drain()
    return message


def test_offline_the_answer_quotes_the_newer_page_and_says_the_sources_disagree(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    knowledge = _knowledge(tmp_path / "kb")
    with running_app(store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock) as app:
        message = _ask(app)
        [answer] = stored_answers(store)
    text = str(message["text"])
    assert text.startswith("From *Leave policy*, Annual leave")  # the newer page first
    assert "25 days of paid annual leave" in text
    assert LINE in text
    assert DISAGREE_LINE in json.dumps(message["blocks"])
    assert answer.confidence <= 0.5 and answer.confidence_line == DISAGREE_LINE
    assert {s["path"] for s in answer.sources} >= {"hr/leave.md"}


def test_pages_that_agree_give_no_warning(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    knowledge = _knowledge(tmp_path / "kb", LEAVE.replace("25 days", "20 days"))
    with running_app(store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock) as app:
        message = _ask(app)
        [answer] = stored_answers(store)
    assert "disagree" not in str(message["text"])
    assert answer.confidence_line != DISAGREE_LINE


@pytest.fixture
def llm() -> Iterator[FakeAnthropicServer]:
    """The fake Anthropic server."""
    with FakeAnthropicServer() as server:
        yield server


def test_a_model_is_told_which_passages_disagree_and_the_answer_still_says_so(
    store: Store, clock: ManualClock, tmp_path: Path, llm: FakeAnthropicServer
) -> None:
    client = anthropic.Anthropic(api_key="test", base_url=llm.base_url, max_retries=0)
    answerer = AnthropicAnswerer(client, model="claude-test")
    llm.reply_with("You get 25 days of annual leave [1]; an older handbook said 20 [2].")
    knowledge = _knowledge(tmp_path / "kb")
    with running_app(store, answerer=answerer, knowledge=knowledge, clock=clock) as app:
        message = _ask(app)
        [answer] = stored_answers(store)
    sent = llm.requests[0].body["messages"][-1]["content"]
    context, note = sent.split("<note>")
    assert context.index('title="Leave policy"') < context.index('title="Employee handbook')
    assert '"Leave policy" (updated 03 Nov 2025) says "25 days"' in note.replace("&quot;", '"')
    assert "Prefer the newer one" in note
    assert LINE in str(message["text"])
    assert answer.confidence_line == DISAGREE_LINE
    assert answer.text.endswith(LINE)


def test_serve_as_deployed_says_the_sources_disagree(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    """`lastmile serve` as a process over the two pages: a signed DM gets the newer page's
    value and the disagreement line, and the stored answer is not shown as grounded."""
    _knowledge(tmp_path / "kb")
    question = payloads.dm(QUESTION)
    with serving(
        database_url, slack, tmp_path, LASTMILE_KNOWLEDGE_DIR=str(tmp_path / "kb")
    ) as sender:
        answer = asked_in_dm(sender, slack, database_url, question)
    final = slack.messages("D111", thread_ts=str(question["event"]["ts"]))[-1]
    assert "25 days of paid annual leave" in str(final["text"])
    assert LINE in str(final["text"])
    assert answer.confidence_line == DISAGREE_LINE
