"""The whole fake workspace behind `FakeSlackApi`: every Web API method it answers.

Message methods live in `slack_messages.MessageStore`; this module adds auth, views, users,
conversations.open, assistant.threads.*, the files v2 upload flow and apps.connections.open,
and `dispatch()`, which turns one call into a response body. Not thread-safe on its own:
`FakeSlackApi` holds its lock around every call.
"""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

from .slack_messages import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    Json,
    MessageStore,
    Method,
    SlackError,
    required,
)

FIRST_TS_MICROS = 1_700_000_000_000_100
ASSISTANT_METHODS = ("setStatus", "setTitle", "setSuggestedPrompts")


class Workspace:
    """State and method implementations; `base_url` is where uploads are sent back to."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.socket_mode_url: str | None = None
        self._seq = itertools.count(1)
        self.store = MessageStore(self.next_ts)
        self.views: dict[str, Json] = {}
        self.home_views: dict[str, Json] = {}
        self.users: dict[str, Json] = {}
        self.pending_files: dict[str, Json] = {}
        self.uploads: dict[str, bytes] = {}
        self._routes: dict[str, Method] = self.store.routes() | self._own_routes()

    def next_ts(self) -> str:
        """A unique, increasing message ts: 1700000000.000200, 1700000000.000300, ..."""
        micros = FIRST_TS_MICROS + 100 * next(self._seq)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def dispatch(self, method: str, params: Json, token: str | None) -> Json:
        """Runs one method: the full response body, `ok` included."""
        handler = self._routes.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if not token:
            return {"ok": False, "error": "not_authed"}
        if method == "apps.connections.open":
            params = params | {"token": token}
        try:
            return {"ok": True} | handler(params)
        except SlackError as err:
            return {"ok": False, "error": err.error}

    def _own_routes(self) -> dict[str, Method]:
        routes: dict[str, Method] = {
            "auth.test": self.auth_test,
            "apps.connections.open": self.connections_open,
            "views.open": self.open_view,
            "views.push": self.open_view,
            "views.update": self.update_view,
            "views.publish": self.publish_view,
            "users.info": self.user_info,
            "conversations.open": self.open_dm,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
        }
        for name in ASSISTANT_METHODS:
            routes[f"assistant.threads.{name}"] = self.assistant_call
        routes["assistant.threads.setSuggestedPrompts"] = self.suggested_prompts
        return routes

    def auth_test(self, params: Json) -> Json:
        """auth.test for the bot token: UBOT / BBOT in T111."""
        return {
            "url": "https://example.slack.com/",
            "team": "Example",
            "user": "lastmile",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def connections_open(self, params: Json) -> Json:
        """apps.connections.open: needs an app-level token and an attached Socket Mode server."""
        if not str(params["token"]).startswith("xapp-"):
            raise SlackError("not_allowed_token_type")
        if self.socket_mode_url is None:
            raise SlackError("socket_mode_server_not_attached")  # fake-only: a test set-up bug
        return {"url": self.socket_mode_url}

    def _view(self, view: Any, view_id: str, previous: str | None) -> Json:
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        stored: Json = {
            "id": view_id,
            "team_id": TEAM_ID,
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": previous,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "bot_id": BOT_ID,
        }
        stored.update(copy.deepcopy(view))
        stored["hash"] = f"{self.next_ts()}.fakehash"
        self.views[view_id] = stored
        return stored

    def open_view(self, params: Json) -> Json:
        """views.open / views.push: needs a trigger_id; returns the view with id and hash."""
        required(params, "trigger_id")
        view = self._view(params.get("view"), f"V{next(self._seq):09d}", None)
        return {"view": copy.deepcopy(view)}

    def update_view(self, params: Json) -> Json:
        """views.update by view_id or external_id; a stale `hash` gets `hash_conflict`."""
        view_id = params.get("view_id") or next(
            (v["id"] for v in self.views.values() if v["external_id"] == params.get("external_id")),
            None,
        )
        if not view_id or view_id not in self.views:
            raise SlackError("not_found")
        old = self.views[view_id]
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        view = self._view(params.get("view"), view_id, old["previous_view_id"])
        return {"view": copy.deepcopy(view)}

    def publish_view(self, params: Json) -> Json:
        """views.publish: the user's Home tab; read it back with `FakeSlackApi.home_view`."""
        user = required(params, "user_id", "user_not_found")
        old = self.home_views.get(user)
        view_id = old["id"] if old else f"V{next(self._seq):09d}"
        view = self._view(params.get("view"), view_id, None)
        self.home_views[user] = view
        return {"view": copy.deepcopy(view)}

    def user_info(self, params: Json) -> Json:
        """users.info: a default profile for any id, overlaid with `FakeSlackApi.set_user`."""
        user = required(params, "user", "user_not_found")
        name = user.lower()
        profile = {
            "real_name": f"User {user}",
            "display_name": name,
            "email": f"{name}@example.com",
        }
        default: Json = {
            "id": user,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": profile["real_name"],
            "tz": "Europe/London",
            "tz_offset": 0,
            "is_bot": False,
            "profile": profile,
        }
        return {"user": default | copy.deepcopy(self.users.get(user, {}))}

    def open_dm(self, params: Json) -> Json:
        """conversations.open: the DM with U123 is D123 (deterministic, so tests can predict it)."""
        users = required(params, "users", "users_list_not_supplied").split(",")
        return {"channel": {"id": "D" + "".join(u[1:] for u in users)}}

    def assistant_call(self, params: Json) -> Json:
        """assistant.threads.setStatus / setTitle: need channel and thread."""
        required(params, "channel_id", "channel_not_found")
        required(params, "thread_ts")
        return {}

    def suggested_prompts(self, params: Json) -> Json:
        """assistant.threads.setSuggestedPrompts: a thread (assistant pane) or none (agent app's
        Messages tab); at most four prompts, each with a title and a message."""
        required(params, "channel_id", "channel_not_found")
        prompts = params.get("prompts")
        if isinstance(prompts, str):
            prompts = json.loads(prompts)
        if not isinstance(prompts, list) or not 0 < len(prompts) <= 4:
            raise SlackError("invalid_arguments")
        if not all(isinstance(p, dict) and p.get("title") and p.get("message") for p in prompts):
            raise SlackError("invalid_arguments")
        return {}

    def upload_url(self, params: Json) -> Json:
        """files.getUploadURLExternal: an upload URL on this fake, and a file id."""
        name = required(params, "filename")
        file_id = f"F{next(self._seq):09d}"
        self.pending_files[file_id] = {"id": file_id, "name": name, "title": name}
        return {"upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def complete_upload(self, params: Json) -> Json:
        """files.completeUploadExternal: shares uploaded files; posts them if a channel is set."""
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        shared = []
        for item in files:
            if item.get("id") not in self.uploads:
                raise SlackError("file_not_found")
            data = self.uploads[item["id"]]
            title = item.get("title") or self.pending_files[item["id"]]["name"]
            shared.append(self.pending_files[item["id"]] | {"title": title, "size": len(data)})
        if params.get("channel_id"):
            body = {"text": params.get("initial_comment"), "thread_ts": params.get("thread_ts")}
            message = self.store.bot_message(body, self.next_ts()) | {"files": shared}
            self.store.add(str(params["channel_id"]), message)
        return {"files": copy.deepcopy(shared)}
