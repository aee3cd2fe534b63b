"""A digest as the messages it is posted in: the parent, then replies in its thread."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, MarkdownTextObject

from bot.digest.model import Digest
from bot.mrkdwn import escape
from handlers.digest.blocks import Permalink, digest_groups
from handlers.digest.split import pack


def digest_messages(digest: Digest, permalink: Permalink) -> list[list[Block]]:
    """Each message's blocks, all within Slack's limits; replies open with where they belong."""
    parts = pack(digest_groups(digest, permalink), reply_room=1)
    title = f"lastmile digest · {escape(digest.owner_name)} · {digest.period.key}"
    messages = parts[:1]
    for number, blocks in enumerate(parts[1:], start=2):
        if blocks and isinstance(blocks[0], DividerBlock):
            blocks = blocks[1:]
        text = f"*{title}* · continued, {number} of {len(parts)}"
        messages.append([ContextBlock(elements=[MarkdownTextObject(text=text)]), *blocks])
    return messages
