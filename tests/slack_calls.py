"""Which Slack Web API methods a module's source calls, found with `ast` (no import, no run).

Recognised: `<anything>.chat_postMessage(...)` (every WebClient method, mapped by reading
slack_sdk's own source), `.api_call("method")`, the SDK helpers that call several methods, a
method name handed to any call (Slack reached without the SDK), and Bolt's listener utilities
(`Say`, `SetSuggestedPrompts`, ...) where they are imported from slack_bolt. Anything that looks
like a WebClient call but can't be mapped comes back as a `<...>` placeholder, so a caller's
check fails rather than missing it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from functools import cache

import slack_sdk.web.client
from slack_sdk import WebClient

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


def calls_in(source: str, *, raw: bool = True) -> Iterator[tuple[str, int]]:
    """(Web API method, line) for every Slack call one module's source makes."""
    tree = ast.parse(source)
    yield from _client_calls(tree)
    if raw:
        yield from _raw_calls(tree)
    bolt = _bolt_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in bolt and node.id in BOLT_UTILITIES:
            yield from ((method, node.lineno) for method in BOLT_UTILITIES[node.id])


def _client_calls(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """`x.chat_postMessage(...)`, `x.api_call("m")` and the SDK helpers."""
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


def _raw_calls(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """A Web API method name passed as a call's first argument, e.g. `post("auth.test")` or
    `urlopen(f"{base}auth.test")`: Slack reached without the SDK. (Dict keys, such as the demo's
    fake Slack routes, are not calls.)"""
    known = set(sdk_methods().values())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args) or _api_call_name(node):
            continue
        first = node.args[0]
        parts = first.values if isinstance(first, ast.JoinedStr) else [first]
        last = parts[-1] if parts else None
        if isinstance(last, ast.Constant) and isinstance(last.value, str):
            name = last.value.rsplit("/", 1)[-1].split("?", 1)[0]
            if name in known:
                yield name, node.lineno
