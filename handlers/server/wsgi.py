"""The WSGI application of `lastmile serve`: Slack's Request URL plus health probes.

    POST /slack/events  Events API, interactivity and slash commands, handed to Bolt
    GET  /healthz       200 while the process is up
    GET  /readyz        200 and the event backlog when the database answers, else 503 (take
                        me out of rotation); the backlog is events waiting for a worker,
                        being worked on, and backing off before a retry

A thin wrapper around `app.dispatch(BoltRequest)` rather than Bolt's WSGI adapter. In order,
for POST /slack/events: a malformed `X-Slack-Request-Timestamp` or Content-Length gets 400 and
an oversized body 413 before it is read; then the signature is checked on the raw bytes (401
for a missing, forged or stale one) before anything parses them; then a body that is not the
JSON or form Slack sends gets 400 (stock Bolt raises and answers 500). Only then is the
BoltRequest built, and Bolt checks the signature once more. Bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from slack_bolt import App, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from handlers.server.signature import signature_problem
from handlers.server.slack_body import bolt_request
from storage import Store

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000
"""Slack's largest payloads (view submissions) are a few hundred KB at most."""
_TIMESTAMP = re.compile(r"[0-9]{1,15}")

StartResponse = Callable[[str, list[tuple[str, str]]], object]
Reply = tuple[int, dict[str, Sequence[str]], bytes]


def _json_reply(status: int, obj: Mapping[str, Any]) -> Reply:
    headers: dict[str, Sequence[str]] = {"content-type": ["application/json"]}
    return status, headers, json.dumps(obj).encode("utf-8")


def request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """HTTP headers from a WSGI environ, with lower-case dashed names."""
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = str(environ[key])
    return headers


class SlackWsgi:
    """WSGI callable: routes, checks the signature on the raw body, then lets Bolt dispatch."""

    def __init__(
        self,
        app: App,
        store: Store,
        *,
        signing_secret: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.store = store
        self._signing_secret = signing_secret
        self._clock = clock

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request."""
        status, headers, body = self.route(environ)
        header_list = [(name, value) for name, values in headers.items() for value in values]
        header_list.append(("content-length", str(len(body))))
        start_response(f"{status} {HTTPStatus(status).phrase}", header_list)
        return [body]

    def route(self, environ: Mapping[str, Any]) -> Reply:
        """The reply for one request, by method and path."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return self.slack(environ) if method == "POST" else _json_reply(405, {"error": "POST"})
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _json_reply(200, {"status": "ok"})
        if path == "/readyz" and method in ("GET", "HEAD"):
            return self.readiness()
        return _json_reply(404, {"error": "not found"})

    def readiness(self) -> Reply:
        """200 with the event backlog when the database answers, else 503."""
        try:
            backlog = self.store.event_backlog()
        except SQLAlchemyError:
            return _json_reply(503, {"database": "down"})
        return _json_reply(200, {"database": "ok", "backlog": backlog._asdict()})

    def slack(self, environ: Mapping[str, Any]) -> Reply:
        """Check the headers, the signature, then the body's shape; then hand it to Bolt."""
        headers = request_headers(environ)
        timestamp = headers.get("x-slack-request-timestamp")
        if timestamp is not None and not _TIMESTAMP.fullmatch(timestamp):
            return _json_reply(400, {"error": "invalid X-Slack-Request-Timestamp"})
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            return _json_reply(400, {"error": "invalid Content-Length"})
        if length < 0 or length > MAX_BODY_BYTES:
            return _json_reply(413, {"error": "body too large"})
        raw = environ["wsgi.input"].read(length) if length else b""
        refused = signature_problem(self._signing_secret, headers, raw, self._clock())
        if refused is not None:
            log.debug("refused a request to %s: %s", EVENTS_PATH, refused)  # floods: debug
            return _json_reply(401, {"error": refused})
        request = bolt_request(raw, headers, str(environ.get("QUERY_STRING", "")))
        if isinstance(request, str):
            log.warning("signed request with a malformed body (%d bytes): %s", length, request)
            return _json_reply(400, {"error": f"malformed body: {request}"})
        return _bolt_reply(self.app.dispatch(request))


def _bolt_reply(response: BoltResponse) -> Reply:
    body = response.body.encode("utf-8") if isinstance(response.body, str) else b""
    headers: dict[str, Sequence[str]] = {
        name: list(values)
        for name, values in response.headers.items()
        if name.lower() != "content-length"  # recomputed from the bytes we send
    }
    return response.status, headers, body
