"""Message state behind `FakeSlackApi`: chat.*, chat.*Stream, reactions.*, conversations.*
and usergroups.users.list.

Messages are kept per channel in the shape `conversations.history` returns them (no `channel`
key), bot messages carry `user: UBOT` and `bot_id: BBOT` like a real bot-token post. A thread
is its parent (when stored) plus every message whose `thread_ts` is the parent's `ts`.
Every method here takes the merged request params and returns the response body, or raises
`SlackError` for an `{"ok": false, "error": ...}` answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .block_limits import message_error
from .stream_chunks import chunks_error, task_updates

Json = dict[str, Any]
Method = Callable[[Json], Json]

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T111"
APP_ID = "A111"


class SlackError(Exception):
    """An `ok: false` answer; `error` is Slack's error code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def required(params: Json, key: str, error: str = "invalid_arguments") -> str:
    """Returns a required string param, or fails the call the way Slack does."""
    value = params.get(key)
    if value in (None, ""):
        raise SlackError(error)
    return str(value)


def streamed_text(params: Json) -> str:
    """Joins `markdown_text` and markdown chunks: the two ways streaming methods carry text."""
    parts = [str(params.get("markdown_text") or "")]
    for chunk in params.get("chunks") or []:
        if isinstance(chunk, dict) and chunk.get("type") == "markdown_text":
            parts.append(str(chunk.get("text", "")))
    return "".join(parts)


class MessageStore:
    """Channels' messages plus the chat/stream/reaction/conversation methods acting on them."""

    def __init__(self, next_ts: Callable[[], str]) -> None:
        self._next_ts = next_ts
        self._channels: dict[str, list[Json]] = {}
        self._streaming: set[tuple[str, str]] = set()
        self.ephemerals: list[Json] = []
        self.streaming_error: str | None = None
        self.chunks_refused: str | None = None  # a workspace without chunks: this error code
        self.tasks: dict[tuple[str, str], list[Json]] = {}  # (channel, ts) -> task updates
        self.usergroups: dict[str, list[str]] = {}  # seeded with FakeSlackApi.set_usergroup

    def add(self, channel: str, message: Json) -> Json:
        """Stores a message; a thread reply bumps its stored parent's `reply_count`."""
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            for parent in self._channels.get(channel, []):
                if parent["ts"] == thread_ts:
                    parent["thread_ts"] = thread_ts
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
                    parent["latest_reply"] = message["ts"]
        self._channels.setdefault(channel, []).append(message)
        return message

    def find(self, channel: str, ts: str) -> Json:
        """The stored message, or Slack's `message_not_found`."""
        for message in self._channels.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Json]:
        """Top-level messages of a channel, or one thread (parent first), oldest first."""
        stored = self._channels.get(channel, [])
        if thread_ts is None:
            picked = [m for m in stored if m.get("thread_ts") in (None, m["ts"])]
        else:
            picked = [m for m in stored if thread_ts in (m["ts"], m.get("thread_ts"))]
        return copy.deepcopy(picked)

    def bot_message(self, params: Json, ts: str) -> Json:
        """A message as posted by the bot token, shaped like Slack's stored bot messages."""
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": str(params.get("text") or ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts"):
            if params.get(key):
                message[key] = params[key]
        return message

    def post_message(self, params: Json) -> Json:
        """chat.postMessage: needs a channel and text, blocks or attachments."""
        channel = required(params, "channel", "channel_not_found")
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        if error := message_error(params):
            raise SlackError(error)
        message = self.add(channel, self.bot_message(params, self._next_ts()))
        return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}

    def update(self, params: Json) -> Json:
        """chat.update: replaces text/blocks of a stored message."""
        channel = required(params, "channel", "channel_not_found")
        message = self.find(channel, required(params, "ts", "message_not_found"))
        if error := message_error(params):
            raise SlackError(error)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        body = {"channel": channel, "ts": message["ts"], "text": message.get("text", "")}
        return body | {"message": copy.deepcopy(message)}

    def delete(self, params: Json) -> Json:
        """chat.delete: removes a stored message."""
        channel = required(params, "channel", "channel_not_found")
        message = self.find(channel, required(params, "ts", "message_not_found"))
        self._channels[channel].remove(message)
        return {"channel": channel, "ts": message["ts"]}

    def post_ephemeral(self, params: Json) -> Json:
        """chat.postEphemeral: kept apart, since ephemeral messages never reach history."""
        channel = required(params, "channel", "channel_not_found")
        user = required(params, "user", "user_not_in_channel")
        ts = self._next_ts()
        message = self.bot_message(params, ts) | {"channel": channel, "to_user": user}
        self.ephemerals.append(message)
        return {"message_ts": ts}

    def permalink(self, params: Json) -> Json:
        """chat.getPermalink: https://example.slack.com/archives/<channel>/p<ts without dot>."""
        channel = required(params, "channel", "channel_not_found")
        ts = required(params, "message_ts", "message_not_found")
        link = f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def start_stream(self, params: Json) -> Json:
        """chat.startStream: a thread reply; outside DMs the recipient ids are required."""
        self._check_stream_call(params)
        channel = required(params, "channel", "channel_not_found")
        thread_ts = required(params, "thread_ts")
        if not channel.startswith("D"):
            required(params, "recipient_team_id", "missing_recipient_team_id")
            required(params, "recipient_user_id", "missing_recipient_user_id")
        body = {"text": streamed_text(params), "thread_ts": thread_ts}
        message = self.add(channel, self.bot_message(body, self._next_ts()))
        self._streaming.add((channel, message["ts"]))
        self.tasks[(channel, message["ts"])] = task_updates(params)
        return {"channel": channel, "ts": message["ts"]}

    def _check_stream_call(self, params: Json) -> None:
        if self.streaming_error:
            raise SlackError(self.streaming_error)
        if self.chunks_refused and ("chunks" in params or "task_display_mode" in params):
            raise SlackError(self.chunks_refused)
        if error := chunks_error(params):
            raise SlackError(error)

    def _streaming_message(self, params: Json) -> tuple[str, Json]:
        self._check_stream_call(params)
        channel = required(params, "channel", "channel_not_found")
        message = self.find(channel, required(params, "ts", "message_not_found"))
        if (channel, message["ts"]) not in self._streaming:
            raise SlackError("message_not_in_streaming_state")
        message["text"] = message["text"] + streamed_text(params)
        self.tasks.setdefault((channel, message["ts"]), []).extend(task_updates(params))
        return channel, message

    def append_stream(self, params: Json) -> Json:
        """chat.appendStream: appends text to a message still streaming."""
        channel, message = self._streaming_message(params)
        return {"channel": channel, "ts": message["ts"]}

    def stop_stream(self, params: Json) -> Json:
        """chat.stopStream: appends the last text, adds blocks/metadata, ends streaming."""
        if error := message_error({"blocks": params.get("blocks")}):
            raise SlackError(error)
        channel, message = self._streaming_message(params)
        for key in ("blocks", "metadata"):
            if params.get(key):
                message[key] = params[key]
        self._streaming.discard((channel, message["ts"]))
        return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}

    def react(self, params: Json, add: bool) -> Json:
        """reactions.add/remove: tracked on stored messages; unknown messages are accepted."""
        channel = required(params, "channel", "channel_not_found")
        name = required(params, "name", "invalid_name")
        try:
            message = self.find(channel, required(params, "timestamp", "message_not_found"))
        except SlackError:
            return {}
        reactions: list[Json] = message.setdefault("reactions", [])
        found = next((r for r in reactions if r["name"] == name), None)
        if add and found:
            raise SlackError("already_reacted")
        if not add and not found:
            raise SlackError("no_reaction")
        if add:
            reactions.append({"name": name, "users": [BOT_USER_ID], "count": 1})
        elif found:
            reactions.remove(found)
        return {}

    def history(self, params: Json) -> Json:
        """conversations.history: top-level messages, newest first."""
        channel = required(params, "channel", "channel_not_found")
        found = list(reversed(self.messages(channel)))
        return {"messages": found, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def replies(self, params: Json) -> Json:
        """conversations.replies: the parent then its replies, oldest first."""
        channel = required(params, "channel", "channel_not_found")
        found = self.messages(channel, required(params, "ts", "thread_not_found"))
        if not found:
            raise SlackError("thread_not_found")
        return {"messages": found, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def usergroup_users(self, params: Json) -> Json:
        """usergroups.users.list: the seeded members of a user group, else `no_such_subteam`."""
        group = required(params, "usergroup", "no_such_subteam")
        if group not in self.usergroups:
            raise SlackError("no_such_subteam")
        return {"users": list(self.usergroups[group])}

    def routes(self) -> dict[str, Method]:
        """Method name -> implementation, for the dispatcher."""
        return {
            "chat.postMessage": self.post_message,
            "chat.update": self.update,
            "chat.delete": self.delete,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.getPermalink": self.permalink,
            "chat.startStream": self.start_stream,
            "chat.appendStream": self.append_stream,
            "chat.stopStream": self.stop_stream,
            "reactions.add": lambda p: self.react(p, add=True),
            "reactions.remove": lambda p: self.react(p, add=False),
            "conversations.history": self.history,
            "conversations.replies": self.replies,
            "usergroups.users.list": self.usergroup_users,
        }
