"""Fitting a digest into messages Slack accepts: a parent message and thread replies.

Slack refuses a message over 50 blocks (`invalid_blocks`) and, below its documented sums, one
whose blocks hold too much text together (`msg_blocks_too_long`, seen from about 12,000
characters; SLACK-NOTES). So the digest is built as groups that must stay together (a theme's
section, its corrections and its buttons) and packed in order: the first message is the parent,
the rest go into its thread. Each message keeps room for the lines an owner's actions add later
(one state line per theme, one "approved" line per correction), so an update still fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from bot.mrkdwn import truncate

MAX_BLOCKS = 50
"""Slack's blocks per message."""
TEXT_PER_MESSAGE = 10_000
"""The text one message's blocks may hold together, below the ~12,000 Slack refuses."""
ADDED_LINE_TEXT = 400
"""What one state or "approved" line, added by a later update, may hold (a won't-fix reason
is cut to 300)."""
_GROWING = ("theme:", "fix:")  # each gains one context line when an owner acts on it


def lines_within(lines: Sequence[str], limit: int) -> str:
    """Whole lines up to `limit` characters, then `…and N more`; a first line too long is cut."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    room = limit - len(f"\n…and {len(lines)} more")
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > room:
            break
        kept.append(line)
    if not kept:
        kept = [truncate(lines[0], room)]
    return "\n".join(kept) + f"\n…and {len(lines) - len(kept)} more"


def text_length(value: Any) -> int:
    """Characters of every `text` string in a block's JSON (what Slack sums up)."""
    if isinstance(value, dict):
        own = value.get("text")
        length = len(own) if isinstance(own, str) else 0
        rest = [v for k, v in value.items() if k != "text" or not isinstance(v, str)]
        return length + sum(text_length(v) for v in rest)
    if isinstance(value, list):
        return sum(text_length(item) for item in value)
    return 0


def _cost(group: Sequence[Block]) -> tuple[int, int]:
    """Blocks and text of a group, counting what later updates may add to it."""
    dicts = [block.to_dict() for block in group]
    growth = sum(str(b.get("block_id", "")).startswith(_GROWING) for b in dicts)
    return len(dicts) + growth, text_length(dicts) + growth * ADDED_LINE_TEXT


def pack(groups: Sequence[Sequence[Block]], *, reply_room: int = 1) -> list[list[Block]]:
    """Groups packed in order into messages within MAX_BLOCKS and TEXT_PER_MESSAGE.

    `reply_room` blocks stay free in each reply (for its heading). A group never splits: one
    theme's blocks and its buttons stay in one message, so an update finds them together.
    """
    messages: list[list[Block]] = []
    blocks = text = 0
    for group in groups:
        size, chars = _cost(group)
        room = reply_room if len(messages) > 1 else 0
        if messages and blocks + size + room <= MAX_BLOCKS and text + chars <= TEXT_PER_MESSAGE:
            messages[-1] += group
            blocks, text = blocks + size, text + chars
            continue
        messages.append(list(group))
        blocks, text = size, chars
    return messages
