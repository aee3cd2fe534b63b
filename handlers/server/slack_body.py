"""A verified request body, turned into a `BoltRequest` only if it has the shape Slack sends.

Bolt parses a body as JSON when the content type says so or it starts with `{`; otherwise as a
form, whose `payload` field (interactivity) is JSON. It then reads fields of the result as a
dict, so `[]`, `5`, `null` or `payload=[1,2]` made it raise, and the server answered 500 with a
traceback. Here the body is parsed by Bolt's own function first (so we judge exactly what Bolt
would see) and must be a JSON object with a string `type`, or a slash command's form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.request.internals import parse_body

FORM_KEYS = ("command", "ssl_check")
"""A flat form (no `payload`) is Slack's only if it is a slash command or its SSL check."""
_OBJECT_FIELDS = ("event", "view", "container", "message")
"""Fields Bolt and our middleware read as objects when present."""
_LIST_FIELDS = ("authorizations", "actions")
"""Fields Bolt reads as lists of objects when present."""


def shape_problem(body: Any) -> str | None:
    """What is wrong with a parsed body, or None when it looks like one of Slack's."""
    if not isinstance(body, dict):
        return "not a JSON object"
    if "type" in body:
        if not isinstance(body["type"], str):
            return "type is not a string"
    elif not any(isinstance(body.get(key), str) for key in FORM_KEYS):
        return "no type"
    for key in _OBJECT_FIELDS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            return f"{key} is not an object"
    if isinstance(body.get("event"), dict) and not isinstance(body["event"].get("type"), str):
        return "event has no type"
    for key in _LIST_FIELDS:
        items = body.get(key)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(item, dict) for item in items)
        ):
            return f"{key} is not a list of objects"
    return None


def bolt_request(raw: bytes, headers: Mapping[str, str], query: str) -> BoltRequest | str:
    """The `BoltRequest` for this signed body, or why it is malformed (for the 400)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    content_type = headers.get("content-type")
    try:
        body = parse_body(text, content_type.split(";")[0] if content_type else None)
    except ValueError:  # json.JSONDecodeError is one
        return "not JSON, nor a form with a JSON payload"
    problem = shape_problem(body)
    if problem is not None:
        return problem
    bolt_headers: dict[str, str | Sequence[str]] = dict(headers)
    try:
        return BoltRequest(body=text, query=query, headers=bolt_headers)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
        # Bolt's context extraction met a field of an unexpected type: still the body's fault.
        return f"unexpected {type(error).__name__} in its fields"
