"""Slack preflight (handlers/preflight.py): the doctor's Slack lines and the start-up refusal."""

from __future__ import annotations

import dataclasses

import pytest

from bot.doctor import Check, render
from bot.settings import Settings
from bot.slack_contract import BOT_SCOPES
from handlers.preflight import slack_checks, slack_startup_problem
from tests.fakes import FakeSlackApi

SECRET = "0123456789abcdef0123456789abcdef"
UNREACHABLE = "http://127.0.0.1:9/api/"


@pytest.fixture
def settings(slack: FakeSlackApi) -> Settings:
    """Both modes configured against the fake, which grants every scope."""
    slack.grant_scopes(*BOT_SCOPES)
    slack.attach_socket_mode("ws://127.0.0.1:9/")
    return Settings(
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_signing_secret=SECRET,
        slack_api_url=slack.api_url,
    )


def _lines(checks: list[Check]) -> list[str]:
    return [line for check in checks for line in render(check)]


def test_accepted_tokens_and_scopes(settings: Settings, slack: FakeSlackApi) -> None:
    assert [c.status for c in slack_checks(settings)] == ["ok"] * 4
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == "xapp-test"  # the app-level token, not the bot's
    assert slack_startup_problem(settings, socket_mode=True) is None


def test_a_refused_bot_token_names_the_fix(settings: Settings, slack: FakeSlackApi) -> None:
    slack.fail_next("auth.test", error="invalid_auth", times=2)
    assert _lines(slack_checks(settings))[:2] == [
        "[FAIL] slack token: Slack refused SLACK_BOT_TOKEN: auth.test answered invalid_auth",
        "       -> Install the app (README: Connect to Slack), then copy OAuth & Permissions -> "
        "Bot User OAuth Token (xoxb-...) into SLACK_BOT_TOKEN.",
    ]
    assert slack_startup_problem(settings) == (
        "lastmile: Slack refused SLACK_BOT_TOKEN (invalid_auth). Install the app (README: Connect "
        "to Slack), then copy OAuth & Permissions -> Bot User OAuth Token (xoxb-...) into "
        "SLACK_BOT_TOKEN."
    )


def test_missing_scopes_are_listed(settings: Settings, slack: FakeSlackApi) -> None:
    slack.grant_scopes(*(s for s in BOT_SCOPES if s not in ("files:write", "commands")))
    assert _lines(slack_checks(settings))[1:3] == [
        "[FAIL] slack scopes: the token lacks commands, files:write",
        "       -> Update the app from deploy/slack-manifest.yaml, then reinstall it to the "
        "workspace.",
    ]


def test_app_token_refused_or_of_the_wrong_kind(settings: Settings, slack: FakeSlackApi) -> None:
    slack.fail_next("apps.connections.open", error="invalid_auth", times=2)
    socket = [c for c in slack_checks(settings) if c.name == "socket mode"]
    assert socket[0].detail == (
        "Slack refused SLACK_APP_TOKEN: apps.connections.open answered invalid_auth"
    )
    assert "connections:write" in socket[0].fix
    assert slack_startup_problem(settings, socket_mode=True) == (
        "lastmile: Slack refused SLACK_APP_TOKEN (invalid_auth). Basic Information -> App-Level "
        "Tokens: generate one with connections:write, set SLACK_APP_TOKEN=xapp-..., and keep "
        "Socket Mode on (deploy/slack-manifest.yaml)."
    )
    wrong = dataclasses.replace(settings, slack_app_token="xoxb-not-an-app-token")
    [check] = [c for c in slack_checks(wrong) if c.name == "socket mode"]
    assert check.failed and check.detail.startswith("SLACK_APP_TOKEN does not start with xapp-")


def test_modes_need_an_app_token_or_a_signing_secret(settings: Settings) -> None:
    neither = dataclasses.replace(settings, slack_app_token="", slack_signing_secret="")
    assert _lines(slack_checks(neither))[-2:] == [
        "[FAIL] slack mode: neither SLACK_APP_TOKEN (xapp-...) nor SLACK_SIGNING_SECRET is set",
        "       -> Set SLACK_APP_TOKEN for Socket Mode (lastmile run) or SLACK_SIGNING_SECRET "
        "for HTTP mode (lastmile serve).",
    ]
    odd = dataclasses.replace(settings, slack_app_token="", slack_signing_secret="verif-token")
    [check] = [c for c in slack_checks(odd) if c.name == "http mode"]
    assert check.status == "warn" and "32 hex characters" in check.detail


def test_unreachable_slack_is_one_message_at_start_up(settings: Settings) -> None:
    down = dataclasses.replace(settings, slack_api_url=UNREACHABLE)
    assert slack_startup_problem(down, socket_mode=True) == (
        f"lastmile: cannot reach Slack at {UNREACHABLE} ([Errno 111] Connection refused). "
        f"Check the network (proxy, firewall, DNS) to {UNREACHABLE}, or unset SLACK_API_URL."
    )
    assert slack_startup_problem(dataclasses.replace(settings, slack_bot_token="")) == (
        "lastmile: SLACK_BOT_TOKEN is not set. Install the app (README: Connect to Slack), then "
        "copy OAuth & Permissions -> Bot User OAuth Token (xoxb-...) into SLACK_BOT_TOKEN."
    )


def test_a_slack_that_never_answers_times_out_as_unreachable(
    settings: Settings, slack: FakeSlackApi
) -> None:
    slack.delay("auth.test", 5)
    problem = slack_startup_problem(settings, timeout_s=1)
    assert problem == (
        f"lastmile: cannot reach Slack at {slack.api_url} (no answer within 1 s). "
        f"Check the network (proxy, firewall, DNS) to {slack.api_url}, or unset SLACK_API_URL."
    )
    [check] = [c for c in slack_checks(settings, timeout_s=1) if c.name == "slack token"]
    assert check.detail == f"Slack unreachable at {slack.api_url}: no answer within 1 s"
