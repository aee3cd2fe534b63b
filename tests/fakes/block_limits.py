"""Slack's message limits, enforced by the fake's chat.postMessage and chat.update.

Documented limits (SLACK-NOTES): 50 blocks per message, section text 3,000 characters, header
150, a section's fields 10 of 2,000, button text 75 and value 2,000, action_id and block_id
255, text 40,000 (`msg_too_long`). Undocumented but real: Slack answers `msg_blocks_too_long`
when the blocks' text adds up past about 12,000-13,000 characters (bolt-js #2509, #2867);
the fake refuses from 12,000, the documented cumulative limit of a markdown block.
A `context_actions` block holds at most 5 elements, each `feedback_buttons` or `icon_button`;
an icon button's `icon` is `trash` ("the only icon available at this time"), its text
plain_text, and `visible_to_user_ids` at most 10 user ids (Slack's Block Kit reference).
"""

from __future__ import annotations

import json
from typing import Any


class Oversize(Exception):
    """What Slack answers for a message over a limit; `error` is its error code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


MAX_BLOCKS = 50
MAX_TEXT = 40_000
MAX_BLOCKS_TEXT = 12_000
LIMITS = {"section": 3000, "header": 150, "context": 3000}
ID_LIMIT = 255


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return ""


def _total_text(value: Any) -> int:
    if isinstance(value, dict):
        own = value.get("text")
        total = len(own) if isinstance(own, str) else 0
        return total + sum(_total_text(v) for v in value.values() if not isinstance(v, str))
    if isinstance(value, list):
        return sum(_total_text(item) for item in value)
    return 0


def _check_element(element: Any) -> None:
    if not isinstance(element, dict):
        return
    if len(str(element.get("action_id") or "")) > ID_LIMIT:
        raise Oversize("invalid_blocks")
    if element.get("type") == "button":
        if len(_text_of(element.get("text"))) > 75 or len(str(element.get("value") or "")) > 2000:
            raise Oversize("invalid_blocks")


def _check_context_actions(block: dict[str, Any]) -> None:
    elements = block.get("elements") or []
    if not 1 <= len(elements) <= 5:
        raise Oversize("invalid_blocks")
    for element in elements:
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in ("feedback_buttons", "icon_button"):
            raise Oversize("invalid_blocks")
        if kind == "icon_button":
            text = element.get("text") or {}
            visible = element.get("visible_to_user_ids") or []
            if element.get("icon") != "trash" or text.get("type") != "plain_text":
                raise Oversize("invalid_blocks")
            if len(visible) > 10 or not all(str(u)[:1] in ("U", "W") for u in visible):
                raise Oversize("invalid_blocks")


def _check_block(block: Any) -> None:
    if not isinstance(block, dict) or "type" not in block:
        raise Oversize("invalid_blocks")
    kind = block["type"]
    if len(str(block.get("block_id") or "")) > ID_LIMIT:
        raise Oversize("invalid_blocks")
    if kind in ("section", "header") and len(_text_of(block.get("text"))) > LIMITS[kind]:
        raise Oversize("invalid_blocks")
    if kind == "context_actions":
        _check_context_actions(block)
    fields = block.get("fields") or []
    if len(fields) > 10 or any(len(_text_of(f)) > 2000 for f in fields):
        raise Oversize("invalid_blocks")
    for element in [*(block.get("elements") or []), block.get("accessory")]:
        if kind == "context" and len(_text_of(element)) > LIMITS["context"]:
            raise Oversize("invalid_blocks")
        _check_element(element)


def message_error(params: dict[str, Any]) -> str | None:
    """The error Slack answers for an oversize message, or None when it fits."""
    try:
        _check_message(params)
    except Oversize as oversize:
        return oversize.error
    return None


def _check_message(params: dict[str, Any]) -> None:
    if len(str(params.get("text") or "")) > MAX_TEXT:
        raise Oversize("msg_too_long")
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not blocks:
        return
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        raise Oversize("invalid_blocks")
    for block in blocks:
        _check_block(block)
    if _total_text(blocks) > MAX_BLOCKS_TEXT:
        raise Oversize("msg_blocks_too_long")
