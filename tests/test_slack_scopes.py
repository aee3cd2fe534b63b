"""Minimal scopes: the manifest asks for exactly what lastmile's Web API calls and events need.

The methods are derived from the source of bot/ and handlers/ with `ast`, never listed by hand:
`<anything>.chat_postMessage(...)` (every WebClient method, read from slack_sdk's own source),
`.api_call("method")`, the SDK helpers that call several methods, and Bolt's listener utilities
(`Say`, `SetSuggestedPrompts`, ...) recognised by name where they are imported from slack_bolt.
The scope each method and event needs is the table in bot/slack_contract.py, so a new call fails
here until someone decides which scope it needs.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import slack_sdk.web.client
import yaml
from slack_sdk import WebClient

from bot.slack_contract import (
    APP_TOKEN_SCOPES,
    BOT_SCOPES,
    EVENT_SCOPES,
    FEATURE_SCOPES,
    METHOD_SCOPES,
)
from tests.conftest import PROJECT_ROOT

SOURCE_DIRS = ("bot", "handlers")
MANIFEST = PROJECT_ROOT / "deploy" / "slack-manifest.yaml"
# WebClient helpers that call several Web API methods on our behalf (slack_sdk source).
SDK_HELPERS: dict[str, tuple[str, ...]] = {
    "chat_stream": ("chat.startStream", "chat.appendStream", "chat.stopStream"),
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
    "validate_slack_signature": (),  # local HMAC check, no request
}
# Bolt utilities (slack_bolt) and the methods they call; see slack_bolt/context/*.
BOLT_UTILITIES: dict[str, tuple[str, ...]] = {
    # Assistant's default thread-context store reads and edits its own first reply
    "Assistant": ("conversations.replies", "chat.update"),
    "GetThreadContext": ("conversations.replies",),
    "Respond": (),  # posts to the response_url, no token
    "SaveThreadContext": ("conversations.replies", "chat.update"),
    "Say": ("chat.postMessage",),
    "SayStream": ("chat.startStream", "chat.appendStream", "chat.stopStream"),
    "SetStatus": ("assistant.threads.setStatus",),
    "SetSuggestedPrompts": ("assistant.threads.setSuggestedPrompts",),
    "SetTitle": ("assistant.threads.setTitle",),
}


@cache
def sdk_methods() -> dict[str, str]:
    """WebClient method name -> the Web API method it calls, read from slack_sdk's source."""
    tree = ast.parse(inspect.getsource(slack_sdk.web.client))
    [client] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "WebClient"]
    methods = {}
    for function in client.body:
        if isinstance(function, ast.FunctionDef):
            called = {name for node in ast.walk(function) if (name := _api_call_name(node))}
            if len(called) == 1:
                methods[function.name] = called.pop()
    return methods


def _api_call_name(node: ast.AST) -> str | None:
    """ "chat.postMessage" for `x.api_call("chat.postMessage", ...)`, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if node.func.attr != "api_call" or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _bolt_names(tree: ast.Module) -> set[str]:
    """Local names bound by `from slack_bolt... import X` in one module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("slack_bolt"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def calls_in(source: str) -> Iterator[tuple[str, int]]:
    """(Web API method, line) for every Slack call one module's source makes."""
    tree = ast.parse(source)
    client_attrs = {n for n in dir(WebClient) if not n.startswith("_")}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        if attr == "api_call":
            yield _api_call_name(node) or "<api_call with a computed method name>", node.lineno
        elif attr in sdk_methods():
            yield sdk_methods()[attr], node.lineno
        elif attr in SDK_HELPERS:
            yield from ((method, node.lineno) for method in SDK_HELPERS[attr])
        elif attr in client_attrs:
            yield f"<WebClient.{attr}: add it to SDK_HELPERS>", node.lineno
    bolt = _bolt_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in bolt and node.id in BOLT_UTILITIES:
            yield from ((method, node.lineno) for method in BOLT_UTILITIES[node.id])


@cache
def called_methods() -> dict[str, list[str]]:
    """Web API method -> where the code calls it ("handlers/x.py:12")."""
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            where = path.relative_to(PROJECT_ROOT)
            for method, line in calls_in(path.read_text(encoding="utf-8")):
                found.setdefault(method, []).append(f"{where}:{line}")
    return found


def manifest() -> Any:
    """The Slack app manifest."""
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def needed_scopes() -> dict[str, set[str]]:
    """Bot scope -> what needs it: called methods, subscribed events, manifest features."""
    app = manifest()
    needs: dict[str, set[str]] = {}
    for method in called_methods():
        for scope in METHOD_SCOPES.get(method, ()):
            needs.setdefault(scope, set()).add(method)
    for event in app["settings"]["event_subscriptions"]["bot_events"]:
        for scope in EVENT_SCOPES.get(event, ()):
            needs.setdefault(scope, set()).add(f"event {event}")
    for feature in app["features"]:
        for scope in FEATURE_SCOPES.get(feature, ()):
            needs.setdefault(scope, set()).add(f"feature {feature}")
    return {scope: why for scope, why in needs.items() if scope not in APP_TOKEN_SCOPES}


def test_every_called_method_has_a_scope_decision() -> None:
    undecided = {m: where for m, where in called_methods().items() if m not in METHOD_SCOPES}
    assert not undecided, (
        f"add these methods to METHOD_SCOPES in bot/slack_contract.py with the bot scopes "
        f"Slack's reference page lists for them: {undecided}"
    )


def test_every_subscribed_event_and_feature_has_a_scope_decision() -> None:
    app = manifest()
    events = set(app["settings"]["event_subscriptions"]["bot_events"])
    assert events <= set(EVENT_SCOPES), f"add to EVENT_SCOPES: {events - set(EVENT_SCOPES)}"
    known = set(FEATURE_SCOPES) | {"app_home", "bot_user"}  # these two need no scope
    assert set(app["features"]) <= known, f"add to FEATURE_SCOPES: {set(app['features']) - known}"


def test_manifest_asks_for_no_scope_nothing_needs() -> None:
    asked = set(manifest()["oauth_config"]["scopes"]["bot"])
    unused = asked - set(needed_scopes())
    assert not unused, f"no call, event or feature needs {sorted(unused)}: remove them"


def test_manifest_has_every_scope_a_call_or_event_needs() -> None:
    asked = set(manifest()["oauth_config"]["scopes"]["bot"])
    missing = {scope: sorted(why) for scope, why in needed_scopes().items() if scope not in asked}
    assert not missing, f"add to the manifest and BOT_SCOPES: {missing}"


def test_contract_equals_what_is_needed() -> None:
    assert sorted(BOT_SCOPES) == sorted(needed_scopes())


def test_the_scan_sees_the_calls_we_know_about() -> None:
    """Guards the scanner itself: a scan that finds nothing would pass everything above."""
    found = called_methods()
    for method in (
        "chat.postMessage",  # client.chat_postMessage
        "chat.startStream",  # client.chat_stream
        "files.completeUploadExternal",  # client.files_upload_v2
        "assistant.threads.setSuggestedPrompts",  # Bolt's SetSuggestedPrompts
        "conversations.replies",  # Bolt's Assistant
        "views.open",
        "auth.test",
    ):
        assert method in found, method


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("client.users_info(user='U1')", {"users.info"}),
        ("self.client.conversations_list(types='im')", {"conversations.list"}),
        ("web.api_call('users.list')", {"users.list"}),
        ("web.api_call(name)", {"<api_call with a computed method name>"}),
        ("client.chat_stream(channel='C1', thread_ts='1.2')", set(SDK_HELPERS["chat_stream"])),
        ("from slack_bolt import Say\ndef on(say: Say) -> None: ...", {"chat.postMessage"}),
        ("def say(text: str) -> None: ...\nsay('hi')", set()),  # not Bolt's
        ("client.files_upload(file='x')", {"files.upload"}),
    ],
)
def test_scanner_maps_sdk_names_to_web_api_methods(source: str, expected: set[str]) -> None:
    assert {method for method, _ in calls_in(source)} == expected


def test_sdk_method_names_map_to_dotted_web_api_names() -> None:
    """slack_sdk names methods by replacing the dots with underscores; the scan relies on it."""
    methods = sdk_methods()
    assert methods["chat_postMessage"] == "chat.postMessage"
    assert methods["assistant_threads_setStatus"] == "assistant.threads.setStatus"
    assert all(name.replace("_", ".") == method for name, method in methods.items())
