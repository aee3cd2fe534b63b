"""Interactivity and slash-command payloads built from captured ones (re-exported by payloads).

Clicked messages are the bot's (`user: UBOT`, `bot_id: BBOT`), since lastmile's buttons sit
on its own answers. A `feedback_buttons` click keeps block_actions_button.json's shape and
changes only the action, as bolt-js's `FeedbackButtonsAction` type describes it (type,
block_id, action_id, action_ts, value, text); SOURCE.md explains why no capture exists.
"""

from __future__ import annotations

from typing import Any

from .payload_files import load, next_event_id, next_ts
from .slack_messages import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, Json


def next_trigger_id() -> str:
    """A unique trigger id in the captured style (111.222.xxx)."""
    return f"111.{next_event_id()[2:]}.xxx"


def _user(body: Json, user: str) -> None:
    body["user"].update({"id": user, "team_id": TEAM_ID})
    body["team"]["id"] = TEAM_ID


def block_action(
    action_id: str,
    value: str,
    *,
    user: str = "U222",
    channel: str = "C111",
    message_ts: str | None = None,
    thread_ts: str | None = None,
    trigger_id: str | None = None,
    action_type: str = "button",
    block_id: str = "b",
    message_blocks: list[Json] | None = None,
) -> Json:
    """interactivity/block_actions_button.json: a click on a bot message's button."""
    body: Json = load("interactivity/block_actions_button.json")
    _user(body, user)
    message_ts = message_ts or next_ts()
    body["trigger_id"] = trigger_id or next_trigger_id()
    body["container"].update({"message_ts": message_ts, "channel_id": channel})
    body["channel"]["id"] = channel
    message = body["message"]
    message.update({"ts": message_ts, "user": BOT_USER_ID, "bot_id": BOT_ID})
    if thread_ts:
        body["container"]["thread_ts"] = message["thread_ts"] = thread_ts
    if message_blocks is not None:
        message["blocks"] = message_blocks
    action = body["actions"][0]
    action.update({"action_id": action_id, "block_id": block_id, "value": value})
    action.update({"type": action_type, "action_ts": next_ts()})
    return body


def message_shortcut(
    callback_id: str,
    *,
    user: str = "W111",
    channel: str = "C111",
    message_ts: str | None = None,
    message_user: str = BOT_USER_ID,
    message_text: str | None = None,
    thread_ts: str | None = None,
    trigger_id: str | None = None,
) -> Json:
    """interactivity/message_action.json: a message shortcut on some message."""
    body: Json = load("interactivity/message_action.json")
    _user(body, user)
    message_ts = message_ts or next_ts()
    body.update({"callback_id": callback_id, "message_ts": message_ts})
    body["trigger_id"] = trigger_id or next_trigger_id()
    body["channel"]["id"] = channel
    message = body["message"]
    message.update({"ts": message_ts, "user": message_user})
    if message_user == BOT_USER_ID:
        message["bot_id"] = BOT_ID
    if message_text is not None:
        message["text"] = message_text
        message["blocks"][0]["elements"][0]["elements"] = [{"type": "text", "text": message_text}]
    if thread_ts:
        message["thread_ts"] = thread_ts
    return body


def view_submission(
    callback_id: str,
    values: dict[str, dict[str, Any]],
    *,
    private_metadata: str = "",
    user: str = "W111",
    view_id: str = "V111",
    trigger_id: str | None = None,
    blocks: list[Json] | None = None,
) -> Json:
    """interactivity/view_submission_plain_text_input.json with `view.state.values` replaced.

    `values` is Slack's shape: {block_id: {action_id: {"type": ..., "value": ...}}}.
    """
    body: Json = load("interactivity/view_submission_plain_text_input.json")
    _user(body, user)
    body["trigger_id"] = trigger_id or next_trigger_id()
    view = body["view"]
    view.update({"id": view_id, "root_view_id": view_id, "callback_id": callback_id})
    view.update({"private_metadata": private_metadata, "state": {"values": values}})
    if blocks is not None:
        view["blocks"] = blocks
    return body


def view_closed(
    callback_id: str, *, user: str = "W111", view_id: str = "V111", private_metadata: str = ""
) -> Json:
    """interactivity/view_closed.json (sent only for views opened with notify_on_close)."""
    body: Json = load("interactivity/view_closed.json")
    _user(body, user)
    body["api_app_id"] = APP_ID
    view = body["view"]
    view.update({"id": view_id, "root_view_id": view_id, "callback_id": callback_id})
    view.update({"private_metadata": private_metadata, "team_id": TEAM_ID, "app_id": APP_ID})
    return body


def slash_command(
    command: str = "/ask",
    text: str = "",
    *,
    user: str = "W111",
    channel: str = "C111",
    trigger_id: str | None = None,
) -> dict[str, str]:
    """commands/slash_command.json: the flat form fields of a slash command."""
    fields: dict[str, str] = load("commands/slash_command.json")
    fields.update({"command": command, "text": text, "user_id": user, "channel_id": channel})
    fields["trigger_id"] = trigger_id or next_trigger_id()
    return fields
