"""The demo's fake workspace: messages, views and files, and the Web API methods acting on them.

Team `TDEMO`, bot user `UBOT`/`BBOT`; the DM with user `U…` is `D…`. Message ts values are
unique and increasing, as Slack's are.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

Json = dict[str, Any]
TEAM_ID = "TDEMO"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
FIRST_TS = 1_700_000_000_000_100


def dm_channel(user_id: str) -> str:
    """The DM channel the fake opens with a user."""
    return "D" + user_id[1:]


def _text(params: Json) -> str:
    """A message's text: `text`, or streamed `markdown_text` plus markdown chunks."""
    parts = [str(params.get("markdown_text") or params.get("text") or "")]
    for chunk in params.get("chunks") or []:
        if isinstance(chunk, dict) and chunk.get("type") == "markdown_text":
            parts.append(str(chunk.get("text", "")))
    return "".join(parts)


class Workspace:
    """State plus one method per Web API method the app uses."""

    def __init__(self, upload_base: str) -> None:
        self.upload_base = upload_base
        self._seq = itertools.count(1)
        self.messages: dict[tuple[str, str], Json] = {}
        self.views: dict[str, Json] = {}
        self.uploads: dict[str, bytes] = {}
        self.files: dict[str, Json] = {}
        self.routes: dict[str, Callable[[Json], Json]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.update": self.update,
            "chat.postEphemeral": self.ephemeral,
            "chat.getPermalink": self.permalink,
            "chat.startStream": self.start_stream,
            "chat.appendStream": self.append_stream,
            "chat.stopStream": self.stop_stream,
            "views.open": self.open_view,
            "views.update": self.update_view,
            "views.publish": self.ok,
            "conversations.open": self.open_dm,
            "conversations.history": self.history,
            "users.info": self.user_info,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
            "assistant.threads.setStatus": self.ok,
            "assistant.threads.setTitle": self.ok,
            "assistant.threads.setSuggestedPrompts": self.ok,
            "reactions.add": self.ok,
        }

    def dispatch(self, method: str, params: Json) -> Json:
        """The full response body of one call."""
        route = self.routes.get(method)
        if route is None:
            return {"ok": False, "error": "unknown_method"}
        return {"ok": True} | route(params)

    def next_ts(self) -> str:
        """A unique, increasing ts."""
        micros = FIRST_TS + 100 * next(self._seq)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def ok(self, params: Json) -> Json:
        """Methods whose answer carries nothing the app reads."""
        return {}

    def auth_test(self, params: Json) -> Json:
        """The bot's identity, as Bolt's authorization reads it."""
        return {"user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID, "team": "Demo"}

    def _add(self, channel: str, params: Json, **extra: Any) -> Json:
        ts = self.next_ts()
        message = {
            "ts": ts,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": _text(params),
            "blocks": params.get("blocks") or [],
            "thread_ts": params.get("thread_ts") or None,
            "metadata": params.get("metadata"),
        } | extra
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def post_message(self, params: Json) -> Json:
        """chat.postMessage; a user id as channel means that user's DM."""
        channel = str(params["channel"])
        if channel[:1] in ("U", "W"):
            channel = dm_channel(channel)
        return self._add(channel, params)

    def update(self, params: Json) -> Json:
        """chat.update: replace text and blocks."""
        key = (str(params["channel"]), str(params["ts"]))
        message = self.messages.setdefault(key, {"ts": key[1]})
        message.update(text=_text(params), blocks=params.get("blocks") or [], final=True)
        return {"channel": key[0], "ts": key[1]}

    def ephemeral(self, params: Json) -> Json:
        """chat.postEphemeral (kept only in the call log)."""
        return {"message_ts": self.next_ts()}

    def permalink(self, params: Json) -> Json:
        """A stable fake permalink."""
        ts = str(params.get("message_ts") or "").replace(".", "")
        return {"permalink": f"https://demo.slack.com/archives/{params.get('channel')}/p{ts}"}

    def start_stream(self, params: Json) -> Json:
        """chat.startStream: a new streaming reply in a thread."""
        return self._add(str(params["channel"]), params, streaming=True)

    def append_stream(self, params: Json) -> Json:
        """chat.appendStream: more text."""
        key = (str(params["channel"]), str(params["ts"]))
        self.messages[key]["text"] += _text(params)
        return {"channel": key[0], "ts": key[1]}

    def stop_stream(self, params: Json) -> Json:
        """chat.stopStream: the last text and the footer blocks; the answer is final."""
        key = (str(params["channel"]), str(params["ts"]))
        message = self.messages[key]
        message["text"] += _text(params)
        message.update(blocks=params.get("blocks") or [], streaming=False, final=True)
        return {"channel": key[0], "ts": key[1]}

    def open_view(self, params: Json) -> Json:
        """views.open: keep the view (the demo's people submit it later)."""
        view_id = f"V{next(self._seq):08d}"
        view = dict(params["view"]) | {"id": view_id}
        self.views[view_id] = view
        return {"view": view}

    def update_view(self, params: Json) -> Json:
        """views.update: replace a view, keeping its id."""
        view_id = str(params.get("view_id") or "")
        view = dict(params["view"]) | {"id": view_id}
        self.views[view_id] = view
        return {"view": view}

    def open_dm(self, params: Json) -> Json:
        """conversations.open with one user."""
        return {"channel": {"id": dm_channel(str(params["users"]).split(",")[0])}}

    def history(self, params: Json) -> Json:
        """conversations.history, newest first."""
        channel = str(params["channel"])
        found = [m for (c, _), m in self.messages.items() if c == channel]
        return {"messages": sorted(found, key=lambda m: m["ts"], reverse=True)}

    def user_info(self, params: Json) -> Json:
        """users.info: a plain profile."""
        user = str(params.get("user") or "")
        return {"user": {"id": user, "name": user.lower(), "real_name": user, "tz": "UTC"}}

    def upload_url(self, params: Json) -> Json:
        """files.getUploadURLExternal: where to send the bytes."""
        file_id = f"F{next(self._seq):08d}"
        self.files[file_id] = {"id": file_id, "name": params.get("filename")}
        return {"file_id": file_id, "upload_url": self.upload_base + file_id}

    def complete_upload(self, params: Json) -> Json:
        """files.completeUploadExternal: share the uploaded files."""
        files = params.get("files") or []
        return {"files": [self.files.get(str(f.get("id")), f) for f in files]}
