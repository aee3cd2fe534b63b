"""Slack preflight: can this bot reach Slack, with tokens Slack accepts and the scopes it needs?

Two users: `lastmile doctor` (`slack_checks`, one `Check` per line, fix included) and the start
of `run`/`serve` (`slack_startup_problem`: one message, or None). Both call the real Web API
(`auth.test`; `apps.connections.open` for the app-level token) with a short timeout and no
retry, and turn every way of failing (refused token, refused connection, timeout) into words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.doctor import Check, fail, ok, warn
from bot.settings import Settings
from bot.slack_contract import BOT_SCOPES

SLACK_TIMEOUT_S = 10
BOT_TOKEN_FIX = (
    "Install the app (README: Connect to Slack), then copy OAuth & Permissions -> "
    "Bot User OAuth Token (xoxb-...) into SLACK_BOT_TOKEN."
)
APP_TOKEN_FIX = (
    "Basic Information -> App-Level Tokens: generate one with connections:write, set "
    "SLACK_APP_TOKEN=xapp-..., and keep Socket Mode on (deploy/slack-manifest.yaml)."
)
_SIGNING_SECRET = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class _Answer:
    """What one Web API call came to: a response, Slack's refusal, or no answer at all."""

    response: SlackResponse | None = None
    refused: str = ""  # Slack's error code, e.g. invalid_auth
    unreachable: str = ""  # why nothing usable came back


def _ask(call: Callable[[], SlackResponse], timeout_s: int) -> _Answer:
    try:
        return _Answer(response=call())
    except SlackApiError as error:
        return _Answer(refused=str(error.response.get("error") or "unknown_error"))
    except (SlackClientError, OSError, HTTPException, ValueError) as error:
        return _Answer(unreachable=_reason(error, timeout_s))


def _reason(error: BaseException, timeout_s: int) -> str:
    reason = getattr(error, "reason", None) or error  # URLError wraps the socket's error
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"no answer within {timeout_s} s"
    text = str(reason).strip().splitlines()
    return text[0] if text else type(reason).__name__


def _client(settings: Settings, token: str | None, timeout_s: int) -> WebClient:
    return WebClient(
        token=token, base_url=settings.slack_api_url, timeout=timeout_s, retry_handlers=[]
    )


def _auth_test(settings: Settings, timeout_s: int) -> _Answer:
    return _ask(_client(settings, settings.slack_bot_token, timeout_s).auth_test, timeout_s)


def _connections_open(settings: Settings, timeout_s: int) -> _Answer:
    client = _client(settings, None, timeout_s)  # it takes the app token, not the bot's

    def open_connection() -> SlackResponse:
        return client.apps_connections_open(app_token=settings.slack_app_token)

    return _ask(open_connection, timeout_s)


def _unreachable_fix(settings: Settings) -> str:
    return (
        f"Check the network (proxy, firewall, DNS) to {settings.slack_api_url}"
        + ("" if "slack.com" in settings.slack_api_url else ", or unset SLACK_API_URL")
        + "."
    )


def slack_checks(settings: Settings, *, timeout_s: int = SLACK_TIMEOUT_S) -> list[Check]:
    """The doctor's Slack lines: bot token and scopes, then Socket Mode and HTTP mode."""
    token_checks, reachable = _bot_token(settings, timeout_s)
    return [*token_checks, *_modes(settings, reachable, timeout_s)]


def _bot_token(settings: Settings, timeout_s: int) -> tuple[list[Check], bool]:
    token = settings.slack_bot_token
    if not token:
        return [fail("slack token", "SLACK_BOT_TOKEN is not set", BOT_TOKEN_FIX)], True
    answer = _auth_test(settings, timeout_s)
    if answer.unreachable:
        detail = f"Slack unreachable at {settings.slack_api_url}: {answer.unreachable}"
        return [fail("slack token", detail, _unreachable_fix(settings))], False
    if answer.response is None:
        detail = f"Slack refused SLACK_BOT_TOKEN: auth.test answered {answer.refused}"
        return [fail("slack token", detail, BOT_TOKEN_FIX)], True
    response = answer.response
    detail = f"bot {response.get('user_id')} ({response.get('user')}) in {response.get('team')}"
    return [ok("slack token", detail), _scopes(response)], True


def _scopes(response: SlackResponse) -> Check:
    header = str(response.headers.get("x-oauth-scopes", "") or "")
    if not header:
        detail = "Slack's answer named no scopes (an emulator?), so they were not checked"
        return warn("slack scopes", detail, "Run the doctor against Slack itself to check them.")
    granted = {scope.strip() for scope in header.split(",")}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if missing:
        detail = f"the token lacks {', '.join(missing)}"
        fix = "Update the app from deploy/slack-manifest.yaml, then reinstall it to the workspace."
        return fail("slack scopes", detail, fix)
    return ok("slack scopes", f"all {len(BOT_SCOPES)} scopes the app uses are granted")


def _modes(settings: Settings, reachable: bool, timeout_s: int) -> list[Check]:
    checks = []
    if settings.slack_app_token:
        checks.append(_socket_mode(settings, reachable, timeout_s))
    if settings.slack_signing_secret:
        checks.append(_http_mode(settings.slack_signing_secret))
    if not checks:
        detail = "neither SLACK_APP_TOKEN (xapp-...) nor SLACK_SIGNING_SECRET is set"
        fix = "Set SLACK_APP_TOKEN for Socket Mode (lastmile run) or SLACK_SIGNING_SECRET for HTTP"
        checks.append(fail("slack mode", detail, fix + " mode (lastmile serve)."))
    return checks


def _socket_mode(settings: Settings, reachable: bool, timeout_s: int) -> Check:
    token = settings.slack_app_token
    if not token.startswith("xapp-"):
        detail = "SLACK_APP_TOKEN does not start with xapp-: it is not an app-level token"
        return fail("socket mode", detail, APP_TOKEN_FIX)
    if not reachable:
        return warn("socket mode", "not checked: Slack is unreachable", "See slack token above.")
    answer = _connections_open(settings, timeout_s)
    if answer.unreachable:
        detail = f"Slack unreachable at {settings.slack_api_url}: {answer.unreachable}"
        return fail("socket mode", detail, _unreachable_fix(settings))
    if answer.response is None:
        detail = f"Slack refused SLACK_APP_TOKEN: apps.connections.open answered {answer.refused}"
        return fail("socket mode", detail, APP_TOKEN_FIX)
    return ok("socket mode", "app-level token accepted: `lastmile run` can connect")


def _http_mode(secret: str) -> Check:
    if not _SIGNING_SECRET.match(secret):
        detail = "SLACK_SIGNING_SECRET is not 32 hex characters, as Slack's signing secrets are"
        fix = "Copy Basic Information -> App Credentials -> Signing Secret (not another secret)."
        return warn("http mode", detail, fix)
    detail = "SLACK_SIGNING_SECRET is set: `lastmile serve` verifies Slack's signed requests"
    return ok("http mode", detail)


def slack_startup_problem(
    settings: Settings, *, socket_mode: bool = False, timeout_s: int = SLACK_TIMEOUT_S
) -> str | None:
    """Why `run`/`serve` would be useless against Slack as configured, in one message; or None.

    Calls auth.test with SLACK_BOT_TOKEN (and, with `socket_mode`, apps.connections.open with
    SLACK_APP_TOKEN), at most `timeout_s` seconds each and never retried. None means Slack
    answered and accepted the token(s). A refused token, a refused connection or a timeout
    is a message, never an exception.
    """
    if not settings.slack_bot_token:
        return f"lastmile: SLACK_BOT_TOKEN is not set. {BOT_TOKEN_FIX}"
    calls: list[tuple[str, str, Callable[[Settings, int], _Answer]]] = [
        ("SLACK_BOT_TOKEN", BOT_TOKEN_FIX, _auth_test)
    ]
    if socket_mode:
        calls.append(("SLACK_APP_TOKEN", APP_TOKEN_FIX, _connections_open))
    for variable, fix, call in calls:
        answer = call(settings, timeout_s)
        if answer.unreachable:
            where = settings.slack_api_url
            hint = _unreachable_fix(settings)
            return f"lastmile: cannot reach Slack at {where} ({answer.unreachable}). {hint}"
        if answer.response is None:
            return f"lastmile: Slack refused {variable} ({answer.refused}). {fix}"
    return None
