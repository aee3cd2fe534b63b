"""Help channels: channels where every top-level question is answered without a mention.

Opt-in per channel (`answer_without_mention = true` in the workspace file). With the manifest's
`message.channels` / `message.groups` subscriptions Slack sends every message in every channel
lastmile is in; only a person's new top-level message in an opted-in channel is a question.
Thread replies, edits, bots and messages that mention lastmile (its `app_mention` answers those)
are not, and are dropped before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.workspace.config import WorkspaceConfig

CHANNEL_TYPES = ("channel", "group")


def is_help_channel_question(
    event: Mapping[str, Any], workspace: WorkspaceConfig, bot_user_id: str | None
) -> bool:
    """A person's new top-level message in a channel opted in to answers without a mention."""
    if event.get("type") != "message" or event.get("channel_type") not in CHANNEL_TYPES:
        return False
    if event.get("subtype") is not None or event.get("bot_id") or not event.get("user"):
        return False
    if event.get("thread_ts") not in (None, event.get("ts")):
        return False
    if bot_user_id and f"<@{bot_user_id}" in str(event.get("text") or ""):
        return False  # the app_mention of the same message answers it
    return workspace.channel(str(event.get("channel") or "")).answer_without_mention


def is_channel_message(event: Mapping[str, Any]) -> bool:
    """Any message event from a public or private channel (message.channels / .groups)."""
    return event.get("type") == "message" and event.get("channel_type") in CHANNEL_TYPES
