"""Updating a posted digest in place after an owner acts, so co-owners see what was done.

A click on the digest itself carries the message (`body["message"]`: its ts and blocks); a
modal submission or a Confirm on an ephemeral message does not, so the digest's channel and ts
travel along (the modal's `private_metadata`, the fix check row) and the message is read back
with conversations.history. The action always stands: when the update fails the owner is told
so, ephemerally.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, BlockElement

Json = dict[str, Any]
BlocksChange = Callable[[list[Json]], list[Json]]
log = logging.getLogger(__name__)
MAX_BLOCKS = 50  # per message (SLACK-NOTES)
STATE_LINES = ("state:", "approved:")  # context lines an update adds; safe to drop when full
ANCHORS = {"approved": ("fix",), "state": ("theme", "act")}
"""Which blocks a state line belongs under, by block id prefix (the number after `:` is the
same)."""


@dataclass(frozen=True)
class DigestMessage:
    """Where a digest message is, and (when known) its current blocks and text."""

    channel: str
    ts: str
    blocks: list[Json] | None = None
    text: str = ""

    @property
    def metadata(self) -> str:
        """`C123:1700000000.000100`, the prefix of a modal's private_metadata."""
        return f"{self.channel}:{self.ts}"


def clicked_message(body: Json) -> DigestMessage | None:
    """The message a block action was clicked on (None for an ephemeral or a Home tab)."""
    container, message = body.get("container") or {}, body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = message.get("ts") or container.get("message_ts")
    if not channel or not ts or container.get("is_ephemeral"):
        return None
    blocks = message.get("blocks") if isinstance(message.get("blocks"), list) else None
    return DigestMessage(str(channel), str(ts), blocks, str(message.get("text") or ""))


def from_metadata(metadata: object) -> DigestMessage | None:
    """The message named by `C123:1700000000.000100:<id>` (the id is the caller's)."""
    parts = str(metadata or "").split(":")
    if len(parts) < 3 or not parts[0] or not parts[1]:
        return None
    return DigestMessage(parts[0], parts[1])


def read_message(client: WebClient, where: DigestMessage) -> DigestMessage | None:
    """The message's current blocks, read back from the channel's history (or its thread)."""
    if where.blocks is not None:
        return where
    found = client.conversations_history(
        channel=where.channel, latest=where.ts, inclusive=True, limit=1
    )
    read = _with_ts(found.get("messages") or [], where)
    if read is None:  # a long digest's themes can sit in a reply, which history leaves out
        thread = client.conversations_replies(
            channel=where.channel, ts=where.ts, oldest=where.ts, inclusive=True, limit=10
        )
        read = _with_ts(thread.get("messages") or [], where)
    return read


def _with_ts(messages: Sequence[Json], where: DigestMessage) -> DigestMessage | None:
    for message in messages:
        if message.get("ts") == where.ts:
            blocks = list(message.get("blocks") or [])
            return DigestMessage(where.channel, where.ts, blocks, str(message.get("text") or ""))
    return None


def replace_blocks(blocks: Sequence[Json], block_ids: set[str], new: Sequence[Block]) -> list[Json]:
    """Remove the blocks with these ids and put `new` where the first of them was.

    None of them present (an older digest, or a first approval): `new` goes after the block it
    belongs to (ANCHORS: `approved:7` after `fix:7`, `state:3` after `theme:3`/`act:3`; the
    whole id, so a theme and a correction that share a number never mix), else at the end.
    """
    fresh = [block.to_dict() for block in new]
    kept: list[Json] = []
    at: int | None = None
    for block in blocks:
        if block.get("block_id") in block_ids:
            at = len(kept) if at is None else at
            continue
        kept.append(dict(block))
    if at is None:
        anchors = {
            f"{owner}:{tail}"
            for prefix, tail in (
                block_id.split(":", 1) for block_id in block_ids if ":" in block_id
            )
            for owner in ANCHORS.get(prefix, ())
        }
        named = [i for i, b in enumerate(kept) if b.get("block_id") in anchors]
        at = named[-1] + 1 if named else len(kept)
    return within_limit([*kept[:at], *fresh, *kept[at:]], {b.get("block_id") for b in fresh})


def within_limit(blocks: list[Json], keep: set[object]) -> list[Json]:
    """At most Slack's 50 blocks: older state lines go first (the buttons and this one stay)."""
    extra = len(blocks) - MAX_BLOCKS
    if extra <= 0:
        return blocks
    lines = [b for b in blocks if str(b.get("block_id", "")).startswith(STATE_LINES)]
    dropped = {id(b) for b in [b for b in lines if b.get("block_id") not in keep][:extra]}
    return [b for b in blocks if id(b) not in dropped]


def set_accessory(blocks: Sequence[Json], block_id: str, accessory: BlockElement) -> list[Json]:
    """The same blocks, with one section's accessory (its button) replaced."""
    return [
        {**block, "accessory": accessory.to_dict()} if block.get("block_id") == block_id else block
        for block in blocks
    ]


def update_message(client: WebClient, where: DigestMessage, change: BlocksChange) -> str | None:
    """Apply `change` to the message's blocks and chat.update it; None, or the Slack error."""
    try:
        current = read_message(client, where)
        if current is None or current.blocks is None:
            return "message_not_found"
        client.chat_update(
            channel=where.channel, ts=where.ts, text=current.text or where.text,
            blocks=change(current.blocks),
        )  # fmt: skip
    except SlackApiError as err:
        error = str(err.response.get("error") or "unknown_error")
        log.warning("updating a digest message failed: %s", error)
        return error
    return None
