"""Signed requests to the app, shaped like Slack's: mentions, button clicks, modal submissions.

Events go as JSON, interactivity as `payload=<JSON>` form data, each signed with
`v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`. The timestamp is real time: the app refuses
requests more than five minutes from its own (real) clock, whatever day the demo simulates.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from bot.demo.fake_methods import BOT_ID, BOT_USER_ID, TEAM_ID

Json = dict[str, Any]
APP_ID = "ADEMO"


class SlackSender:
    """Sends signed Slack requests to one Request URL over HTTP."""

    def __init__(self, url: str, secret: str) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port, parts.path
        self.secret = secret.encode()
        self._ids = itertools.count(1)

    def _post(self, body: bytes, content_type: str) -> int:
        stamp = str(int(time.time()))
        signature = hmac.new(self.secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + signature.hexdigest(),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request("POST", self.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def event(self, event: Json) -> int:
        """An Events API delivery of `event`; returns the HTTP status."""
        body = {
            "token": "demo",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event | {"team": TEAM_ID, "event_ts": event.get("ts", "")},
            "type": "event_callback",
            "event_id": f"Ev{next(self._ids):010d}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
        }
        return self._post(json.dumps(body).encode(), "application/json")

    def interactive(self, payload: Json) -> int:
        """An interactivity request (`payload=` form field)."""
        base = {"token": "demo", "api_app_id": APP_ID, "team": {"id": TEAM_ID, "domain": "demo"}}
        body = urlencode({"payload": json.dumps(base | payload)}).encode()
        return self._post(body, "application/x-www-form-urlencoded")

    def trigger_id(self) -> str:
        """A fresh trigger id."""
        return f"{next(self._ids)}.1.demo"


def user(user_id: str, name: str) -> Json:
    """The `user` object of an interactivity payload."""
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def click(
    sender: SlackSender,
    who: Json,
    *,
    channel: str,
    message: Json,
    action: Json,
) -> int:
    """A click on a button of a bot message (answer controls, digest buttons)."""
    ts = str(message["ts"])
    thread = message.get("thread_ts") or ts
    container = {"type": "message", "message_ts": ts, "channel_id": channel, "thread_ts": thread}
    return sender.interactive(
        {
            "type": "block_actions",
            "user": who,
            "container": container,
            "trigger_id": sender.trigger_id(),
            "channel": {"id": channel, "name": channel.lower()},
            "message": {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, **message},
            "state": {"values": {}},
            "response_url": "https://hooks.slack.com/actions/TDEMO/1/demo",
            "actions": [action | {"action_ts": f"{time.time():.6f}"}],
        }
    )


def submit(sender: SlackSender, who: Json, view: Json, values: dict[str, Json]) -> int:
    """Submit a modal with `values` as `{block_id: {action_id: value-object}}`."""
    state_view = {
        "id": view["id"],
        "team_id": TEAM_ID,
        "type": "modal",
        "callback_id": view.get("callback_id", ""),
        "private_metadata": view.get("private_metadata", ""),
        "blocks": view.get("blocks", []),
        "state": {"values": values},
        "hash": "demo",
    }
    return sender.interactive(
        {"type": "view_submission", "user": who, "view": state_view, "response_urls": []}
    )


def prefilled(view: Json) -> dict[str, Json]:
    """A modal's state as Slack sends it when the person submits what was prefilled."""
    values: dict[str, Json] = {}
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        kind, action_id = element.get("type"), element.get("action_id")
        if block.get("type") != "input" or not action_id:
            continue
        if kind == "plain_text_input":
            state: Json = {"type": kind, "value": element.get("initial_value") or ""}
        elif kind == "checkboxes":
            state = {"type": kind, "selected_options": element.get("initial_options") or []}
        else:
            continue
        values[str(block["block_id"])] = {str(action_id): state}
    return values
