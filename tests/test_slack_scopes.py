"""Minimal scopes: the manifest asks for exactly what lastmile's Web API calls and events need.

The methods are derived from the source of bot/ and handlers/ (tests/slack_calls.py), never
listed by hand. The scope each method, event and feature needs is the table in
bot/slack_contract.py, so a new call fails here until someone decides which scope it needs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.slack_contract import (
    APP_TOKEN_SCOPES,
    BOT_SCOPES,
    EVENT_SCOPES,
    FEATURE_SCOPES,
    METHOD_SCOPES,
)
from tests.conftest import PROJECT_ROOT
from tests.slack_calls import SDK_HELPERS, calls_in, sdk_methods

SOURCE_DIRS = ("bot", "handlers")
DEMO = Path("bot/demo")
MANIFEST = PROJECT_ROOT / "deploy" / "slack-manifest.yaml"


@cache
def called_methods() -> dict[str, list[str]]:
    """Web API method -> where the code calls it ("handlers/x.py:12")."""
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            where = path.relative_to(PROJECT_ROOT)
            # The demo asks its fake Slack what was called by method name; that calls nothing.
            raw = not where.is_relative_to(DEMO)
            for method, line in calls_in(path.read_text(encoding="utf-8"), raw=raw):
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
    ):
        assert method in found, method


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("client.users_info(user='U1')", {"users.info"}),
        ("self.client.conversations_list(types='im')", {"conversations.list"}),
        ("web.api_call('users.list')", {"users.list"}),
        ("web.api_call(name)", {"<api_call with a computed method name>"}),
        ("urlopen(f'{api_url}auth.test', timeout=5)", {"auth.test"}),
        ("post('https://slack.com/api/apps.connections.open')", {"apps.connections.open"}),
        ("METHODS = {'users.info': handler}", set()),  # a fake server's routes
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
