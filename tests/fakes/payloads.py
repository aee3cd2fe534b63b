"""Real Slack payloads (tests/data/slack-payloads) with fields overridden, never invented.

Each builder loads one captured payload (see that folder's SOURCE.md), deep-copies it and
sets only the fields a test cares about. Events get a fresh `event_id` (Ev00000001, ...)
and a fresh `ts` unless given, so two events in one test never collide. The team is
`T111`, the app `A111`, and the bot user `UBOT` (as `FakeSlackApi` answers auth.test), so
Bolt's self-event filter and `context.bot_user_id` agree with the fake.

    sender.send_event(app_mention("<@UBOT> how do I expense a taxi?", user="U222"))
    sender.send_interactive(block_action("feedback", "negative", action_type="feedback_buttons"))
    sender.send_command(slash_command("/ask", "vpn setup"))
"""

from __future__ import annotations

from .interactive import (
    block_action,
    message_shortcut,
    slash_command,
    view_closed,
    view_submission,
)
from .payload_files import load, next_event_id, next_ts, payloads_dir
from .slack_messages import APP_ID, BOT_USER_ID, TEAM_ID, Json

__all__ = [
    "app_home_opened",
    "app_mention",
    "assistant_thread_started",
    "block_action",
    "dm",
    "load",
    "message_shortcut",
    "next_event_id",
    "next_ts",
    "payloads_dir",
    "reaction_added",
    "reaction_removed",
    "slash_command",
    "thread_reply",
    "url_verification",
    "view_closed",
    "view_submission",
]


def _envelope(relative: str, event_id: str | None, event_time_ts: str | None) -> Json:
    body: Json = load(relative)
    body["team_id"] = TEAM_ID
    body["event_id"] = event_id or next_event_id()
    if event_time_ts:
        body["event_time"] = int(float(event_time_ts))
    for auth in body.get("authorizations", []):
        auth["user_id"] = BOT_USER_ID
    if "authed_users" in body:
        body["authed_users"] = [BOT_USER_ID]
    return body


def _message_event(relative: str, text: str, user: str, channel: str, ts: str | None) -> Json:
    ts = ts or next_ts()
    body = _envelope(relative, None, ts)
    body["event"].update({"text": text, "user": user, "channel": channel, "ts": ts})
    body["event"]["event_ts"] = ts
    return body


def app_mention(
    text: str,
    *,
    user: str = "U222",
    channel: str = "C111",
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
) -> Json:
    """events/app_mention.json: a user mentions the bot in a channel (or in a thread)."""
    body = _message_event("events/app_mention.json", text, user, channel, ts)
    event = body["event"]
    event["blocks"][0]["elements"][0]["elements"] = [{"type": "text", "text": text}]
    if thread_ts:
        event["thread_ts"] = thread_ts
    body["event_id"] = event_id or body["event_id"]
    body["event_context"] = f"1-app_mention-{TEAM_ID}-{channel}"
    return body


def dm(
    text: str,
    *,
    user: str = "W222",
    channel: str = "D111",
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
) -> Json:
    """events/message_im.json, or message_im_assistant_thread.json when in a thread."""
    source = "events/message_im_assistant_thread.json" if thread_ts else "events/message_im.json"
    body = _message_event(source, text, user, channel, ts)
    if thread_ts:
        body["event"].update({"thread_ts": thread_ts, "parent_user_id": user})
    body["event_id"] = event_id or body["event_id"]
    return body


def channel_message(
    text: str,
    *,
    user: str = "W222",
    channel: str = "C111",
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
) -> Json:
    """A person's message in a channel (message.channels), from message_thread_reply.json;
    top-level unless `thread_ts` is given."""
    body = _message_event("events/message_thread_reply.json", text, user, channel, ts)
    event = body["event"]
    event.pop("thread_ts", None)
    event.pop("parent_user_id", None)
    if thread_ts:
        event.update({"thread_ts": thread_ts, "parent_user_id": user})
    body["event_id"] = event_id or body["event_id"]
    return body


def thread_reply(
    text: str,
    *,
    thread_ts: str,
    user: str = "W222",
    channel: str = "C111",
    ts: str | None = None,
    parent_user_id: str = BOT_USER_ID,
    event_id: str | None = None,
) -> Json:
    """events/message_thread_reply.json: a `message` event in a channel thread."""
    body = _message_event("events/message_thread_reply.json", text, user, channel, ts)
    body["event"].update({"thread_ts": thread_ts, "parent_user_id": parent_user_id})
    body["event_id"] = event_id or body["event_id"]
    return body


def assistant_thread_started(
    *,
    user: str = "W222",
    channel: str = "D111",
    thread_ts: str | None = None,
    context_channel: str | None = "C222",
    event_id: str | None = None,
) -> Json:
    """events/assistant_thread_started.json: the user opened the assistant pane."""
    thread_ts = thread_ts or next_ts()
    body = _envelope("events/assistant_thread_started.json", event_id, thread_ts)
    thread = body["event"]["assistant_thread"]
    thread.update({"user_id": user, "channel_id": channel, "thread_ts": thread_ts})
    if context_channel is None:
        thread["context"] = {}
    else:
        thread["context"]["channel_id"] = context_channel
    return body


def _reaction(
    relative: str, reaction: str, user: str, item_channel: str, item_ts: str, event_id: str | None
) -> Json:
    body = _envelope(relative, event_id, None)
    event = body["event"]
    event.update({"reaction": reaction, "user": user, "item_user": BOT_USER_ID})
    event["item"].update({"channel": item_channel, "ts": item_ts})
    event["event_ts"] = next_ts()
    return body


def reaction_added(
    reaction: str,
    *,
    item_ts: str,
    user: str = "W222",
    item_channel: str = "C111",
    event_id: str | None = None,
) -> Json:
    """events/reaction_added.json on a bot message (item_user UBOT)."""
    return _reaction("events/reaction_added.json", reaction, user, item_channel, item_ts, event_id)


def reaction_removed(
    reaction: str,
    *,
    item_ts: str,
    user: str = "W222",
    item_channel: str = "C111",
    event_id: str | None = None,
) -> Json:
    """events/reaction_removed.json (ASSEMBLED in SOURCE.md) on a bot message."""
    source = "events/reaction_removed.json"
    return _reaction(source, reaction, user, item_channel, item_ts, event_id)


def url_verification(challenge: str | None = None) -> Json:
    """events/url_verification.json, optionally with another challenge."""
    body: Json = load("events/url_verification.json")
    if challenge is not None:
        body["challenge"] = challenge
    return body


def app_home_opened(
    user: str = "W222", *, tab: str = "home", channel: str = "D111", event_id: str | None = None
) -> Json:
    """events/app_home_opened.json (tab home, with its published view) or the messages tab."""
    home = tab == "home"
    source = "events/app_home_opened.json" if home else "events/app_home_opened_messages_tab.json"
    body = _envelope(source, event_id, None)
    body["api_app_id"] = APP_ID
    body["event"].update({"user": user, "channel": channel, "tab": tab})
    return body
