"""The digest as posted to Slack (signed app, fake Web API): dates, why, pages, fixes, limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.answering.types import Passage
from bot.clock import ManualClock
from bot.digest import parse_week
from bot.digest.knowledge_to_fix import DocumentToFix, PageClaim, PagesDisagree
from bot.digest.model import Counts, Digest, ProposedCorrection, ThemeDigest
from bot.digest.past_fixes import PastFix
from handlers.digest.blocks import digest_blocks
from handlers.digest.send import send_digests
from storage import Store
from tests.fakes.digest_data import install_owners
from tests.fakes.slack_app import AppHarness, running_app

W46 = datetime(2026, 11, 10, 10, tzinfo=UTC)
DM = "D0OWNER1"  # the fake's DM channel with U0OWNER1
HANDBOOK = "hr/employee-handbook-2019.md"
HOSTILE_ANSWER = "You get 20 days <!channel> <@U0CEO> <https://evil.example|HR portal>"
PAGES = [
    Passage("Handbook", HANDBOOK, "Vacation", "20 vacation days.", updated="2019-03-01"),
    Passage("Leave policy", "hr/leave-policy.md", "Leave", "25 days.", updated="2026-06-01"),
]


@pytest.fixture
def h(store: Store, clock: ManualClock, tmp_path: Path) -> Iterator[AppHarness]:
    """The app answering from two dated pages, a week of flagged answers that cite them."""
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase(PAGES), clock=clock
    ) as harness:
        install_owners(store, tmp_path)
        for i in range(3):
            clock.set(W46 + timedelta(hours=i))
            q = store.add_question(text=f"How many vacation days, {i}?", user_id=f"U0R{i}",
                                   channel_id="C0PEOPLE", message_ts=f"1700.00{i}")  # fmt: skip
            assert q.id is not None
            answer = store.add_answer(
                question_id=q.id, text=HOSTILE_ANSWER, provider="offline", model="m",
                prompt_version="p", channel_id="C0PEOPLE", message_ts=f"1800.00{i}",
                sources=[{"title": "Handbook", "path": HANDBOOK, "url": None}],
            )  # fmt: skip
            assert answer.id is not None
            store.record_vote(answer_id=answer.id, user_id=f"U0R{i}", kind="down", source="button")
        clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))
        send_digests(harness.runtime, harness.slack.client(), parse_week("2026-W46"))
        yield harness


def _posted(h: AppHarness) -> list[dict[str, Any]]:
    [message] = [m for m in h.slack.messages(DM) if m.get("blocks")]
    return list(message["blocks"])


def _text(block: dict[str, Any]) -> str:
    if block["type"] == "context":
        return " ".join(str(e.get("text", "")) for e in block["elements"])
    text = block.get("text")
    return str(text.get("text", "")) if isinstance(text, dict) else str(text or "")


def test_the_slack_digest_shows_the_weeks_dates(h: AppHarness) -> None:
    blocks = _posted(h)
    assert blocks[0]["type"] == "header"
    assert _text(blocks[1]) == "Mon 09 Nov – Sun 15 Nov 2026 (UTC)"


def test_the_slack_theme_says_why_escaped(h: AppHarness) -> None:
    [theme] = [b for b in _posted(h) if str(b.get("block_id", "")).startswith("theme:")]
    text = _text(theme)
    assert "*Who:* 3 people in <#C0PEOPLE>" in text
    assert f"*Cited:* `{HANDBOOK}`" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "<@U0CEO>" not in text
    assert "&lt;https://evil.example|HR portal&gt;" in text


def test_the_slack_digest_names_the_stale_page_to_fix(h: AppHarness) -> None:
    [section] = [b for b in _posted(h) if _text(b).startswith("*Knowledge to fix*")]
    assert (
        f"• `{HANDBOOK}` :warning: *stale*: updated 01 Mar 2019: 3 failed answers cited it, "
        "100% of its 3 citations failed"
    ) in _text(section)
    [rate] = [b for b in _posted(h) if "Thumbs-down rate =" in _text(b)]
    assert rate["type"] == "context"


def test_a_full_digest_stays_within_slacks_limits() -> None:
    long = "x" * 5000
    theme = ThemeDigest(
        theme_id=1, label=long, key_terms=(), count=9, previous_count=1, status="regressed",
        top_reason="outdated", assignee="U0DEV", bad_answer=long, cited=(long,) * 3,
        channels=("C0PEOPLE",) * 5, people=9,
        corrections=tuple(ProposedCorrection(i, long, long, "U0R1") for i in range(2)),
    )  # fmt: skip
    fix = PastFix(2, long, datetime(2026, 11, 9, tzinfo=UTC), "U0OWNER1", 5, 1, 7)
    digest = Digest(
        owner_id=1, owner_name=long, owner_slack_id="U0OWNER1", period=parse_week("2026-W46"),
        counts=Counts(), previous=Counts(), failures=9, themes=(theme,) * 5, hidden_themes=3,
        knowledge=tuple(DocumentToFix(long, 3, 4) for _ in range(5)), past_fixes=(fix,) * 5,
    )  # fmt: skip
    blocks = [block.to_dict() for block in digest_blocks(digest, lambda c, t: "https://x")]
    assert len(blocks) <= 50
    assert all(len(_text(block)) <= 3000 for block in blocks)
    assert any(_text(block).startswith("*Last week's fixes*") for block in blocks)
    assert "*REGRESSED*" in str(blocks)


@pytest.mark.parametrize(
    ("owner", "shown"),
    [
        ("U0HR", ", page owner <@U0HR>"),  # a Slack user id shows as the person
        ("<!channel> HR team", ", page owner &lt;!channel&gt; HR team"),  # text never pings
    ],
)
def test_the_knowledge_line_names_the_pages_owner_from_its_metadata(owner: str, shown: str) -> None:
    digest = Digest(
        owner_id=1, owner_name="People", owner_slack_id="U0OWNER1", period=parse_week("2026-W46"),
        counts=Counts(), previous=Counts(), failures=3,
        knowledge=(DocumentToFix(HANDBOOK, 3, 4, owner=owner),),
    )  # fmt: skip
    blocks = [block.to_dict() for block in digest_blocks(digest, lambda c, t: "https://x")]
    [section] = [b for b in blocks if _text(b).startswith("*Knowledge to fix*")]
    assert f"• `{HANDBOOK}`{shown}: 3 failed answers cited it" in _text(section)


def test_pages_that_disagree_are_listed_escaped_with_what_to_do() -> None:
    newer = PageClaim("hr/leave-policy.md", "Leave policy", "25 days", date(2025, 11, 3))
    older = PageClaim("hr/old.md", "Old", "<!channel> 20 days", None)
    digest = Digest(
        owner_id=1, owner_name="People", owner_slack_id="U0OWNER1", period=parse_week("2026-W46"),
        counts=Counts(), previous=Counts(), failures=3,
        conflicts=(PagesDisagree(newer, older, False, 3, "How many <@U0CEO> days?"),),
    )  # fmt: skip
    blocks = [block.to_dict() for block in digest_blocks(digest, lambda c, t: "https://x")]
    [section] = [b for b in blocks if _text(b).startswith("*Knowledge to fix*")]
    text = _text(section)
    assert (
        "• :warning: `hr/leave-policy.md` (updated 03 Nov 2025) says *25 days* but `hr/old.md` "
        "(no date) says *&lt;!channel&gt; 20 days*: 3 questions this week; neither page is dated: "
        "correct one and add `updated:`, e.g. _How many &lt;@U0CEO&gt; days?_"
    ) in text
    assert "<!channel>" not in str(blocks) and "<@U0CEO>" not in str(blocks)
