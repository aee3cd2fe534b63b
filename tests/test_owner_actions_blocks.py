"""Replacing a theme's buttons in a posted digest's blocks: placement and Slack's 50 blocks."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from handlers.digest.message_state import MAX_BLOCKS, clicked_message, replace_blocks
from tests.fakes import payloads


def _line(block_id: str, text: str) -> ContextBlock:
    return ContextBlock(block_id=block_id, elements=[MarkdownTextObject(text=text)])


def _section(block_id: str) -> dict[str, Any]:
    return {"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": "x"}}


def test_the_new_state_takes_the_place_of_the_buttons() -> None:
    blocks = [_section("theme:1"), _section("act:1"), _section("theme:2"), _section("act:2")]
    new = replace_blocks(blocks, {"state:1", "act:1"}, [_line("state:1", "Fixed")])
    assert [b["block_id"] for b in new] == ["theme:1", "state:1", "theme:2", "act:2"]


def test_a_digest_without_the_row_gets_the_state_after_its_theme() -> None:
    blocks = [_section("theme:1"), _section("fix:7"), _section("theme:2")]
    new = replace_blocks(blocks, {"approved:7"}, [_line("approved:7", "Approved")])
    assert [b["block_id"] for b in new] == ["theme:1", "fix:7", "approved:7", "theme:2"]


def test_a_state_line_goes_under_its_own_block_not_one_that_shares_its_number() -> None:
    """`approved:7` (correction 7) belongs under `fix:7`, never under theme 7's blocks or an
    unanswered Couldn't-answer-well section whose newest answer is 7."""
    blocks = [_section("fix:7"), _section("silent:7"), _section("theme:7"), _section("act:7")]
    new = replace_blocks(blocks, {"approved:7"}, [_line("approved:7", "Approved")])
    assert [b["block_id"] for b in new] == ["fix:7", "approved:7", "silent:7", "theme:7", "act:7"]


def test_a_full_message_drops_older_state_lines_never_buttons_or_the_new_one() -> None:
    blocks = [_section(f"s{i}") for i in range(MAX_BLOCKS - 2)]
    blocks += [_line("state:1", "old").to_dict(), _section("act:2")]
    new = replace_blocks(blocks, {"state:2"}, [_line("state:2", "new")])
    ids = [b["block_id"] for b in new]
    assert len(new) == MAX_BLOCKS and "state:1" not in ids
    assert "state:2" in ids and "act:2" in ids


def test_a_click_on_an_ephemeral_message_names_no_digest() -> None:
    body = payloads.block_action("x", "1", channel="D1", message_ts="1.2")
    assert clicked_message(body) is not None
    body["container"]["is_ephemeral"] = True
    assert clicked_message(body) is None
