"""Signed requests to an app's Request URL, byte for byte as Slack sends them.

    sender = SlackSender(app_url + "/slack/events", secret="s3cret", clock=lambda: 1_700_000_000)
    status, body, headers = sender.send_event(payloads.app_mention("<@UBOT> hi"))

`sign` is `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret.
Events go as `application/json`; interactivity as `payload=<url-encoded JSON>`; slash
commands as a flat form. Every request carries User-Agent `Slackbot 1.0
(+https://api.slack.com/robots)`, `Accept: application/json,*/*`, X-Slack-Request-Timestamp
and X-Slack-Signature; event retries add X-Slack-Retry-Num / X-Slack-Retry-Reason.
The clock is injected, so a test can send stale or future timestamps on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


class SlackReply(NamedTuple):
    """The app's answer: HTTP status, body text, headers (lower-cased names)."""

    status: int
    body: str
    headers: dict[str, str]


def sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """The two signing headers Slack puts on a request with this body and timestamp."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float = 10.0) -> SlackReply:
    """POSTs exactly these headers (plus Host/Content-Length) with http.client."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("POST", parts.path or "/", body=body, headers=dict(headers))
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", errors="replace")
        return SlackReply(resp.status, text, {k.lower(): v for k, v in resp.getheaders()})
    finally:
        conn.close()


class SlackSender:
    """Sends signed Events API, interactivity and slash-command requests to one URL."""

    def __init__(self, url: str, secret: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.secret = secret
        self.clock = clock

    def headers_for(self, body: bytes, content_type: str) -> dict[str, str]:
        """Slack's headers for this body, signed at the sender's clock time."""
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT}
        headers["Accept"] = "application/json,*/*"
        return headers | sign(body, self.secret, int(self.clock()))

    def send_event(
        self, obj: Mapping[str, Any], retry_num: int | None = None, retry_reason: str | None = None
    ) -> SlackReply:
        """An Events API delivery (JSON body); retries carry Slack's retry headers."""
        body = json.dumps(obj).encode("utf-8")
        headers = self.headers_for(body, JSON_TYPE)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return post(self.url, body, headers)

    def send_interactive(self, payload_obj: Mapping[str, Any]) -> SlackReply:
        """An interactivity delivery: form body `payload=<url-encoded JSON>`."""
        body = urlencode({"payload": json.dumps(payload_obj)}).encode("utf-8")
        return post(self.url, body, self.headers_for(body, FORM_TYPE))

    def send_command(self, fields: Mapping[str, str]) -> SlackReply:
        """A slash command delivery: flat form body."""
        body = urlencode(dict(fields)).encode("utf-8")
        return post(self.url, body, self.headers_for(body, FORM_TYPE))

    def send_raw(self, body: bytes, headers: Mapping[str, str]) -> SlackReply:
        """Exactly this body and these headers, unsigned unless the caller signed them."""
        return post(self.url, body, headers)
