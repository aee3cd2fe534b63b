"""`lastmile doctor`: check configuration, the database and Slack, and say how to fix each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from bot.slack_contract import BOT_SCOPES
from storage import make_engine, upgrade
from storage.engine import first_line


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(
    settings: Settings, slack_client: Callable[[str, str], WebClient] | None = None
) -> list[Check]:
    """Run every check; never raises."""
    make_client = slack_client or (lambda token, url: WebClient(token=token, base_url=url))
    return [
        Check("configuration", True, f"provider {settings.provider}, timezone {settings.timezone}"),
        check_database(settings),
        check_provider(settings),
        check_slack(settings, make_client),
        check_slack_mode(settings),
    ]


def check_database(settings: Settings) -> Check:
    """Connect and migrate."""
    try:
        upgrade(make_engine(settings.database_url))
    except (SQLAlchemyError, ImportError, ValueError) as error:
        return Check(
            "database", False, first_line(error), "Start the database or fix DATABASE_URL."
        )
    return Check("database", True, "reachable and migrated")


def check_provider(settings: Settings) -> Check:
    """Say which answer provider runs and whether it can."""
    if settings.provider == "offline":
        where = settings.knowledge_dir or "no knowledge folder"
        return Check(
            "provider",
            True,
            f"offline retrieval over {where}",
            "" if settings.knowledge_dir else "Set LASTMILE_KNOWLEDGE_DIR to a Markdown folder.",
        )
    return Check("provider", True, f"{settings.provider} (key set)")


def check_slack(settings: Settings, make_client: Callable[[str, str], WebClient]) -> Check:
    """Call auth.test and compare the token's scopes with what the app needs."""
    if not settings.slack_bot_token:
        return Check(
            "slack token",
            False,
            "SLACK_BOT_TOKEN is not set",
            "Install the app (README: Connect to Slack) and copy its xoxb- token.",
        )
    try:
        response = make_client(settings.slack_bot_token, settings.slack_api_url).auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown")
        return Check(
            "slack token", False, f"auth.test failed: {code}", "Reinstall and copy the token."
        )
    except SlackClientError as error:
        return Check("slack token", False, f"Slack unreachable: {error}", "Check SLACK_API_URL.")
    granted = {s.strip() for s in str(response.headers.get("x-oauth-scopes", "")).split(",")}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if missing and granted != {""}:
        return Check(
            "slack scopes",
            False,
            f"missing: {', '.join(missing)}",
            "Update the app from deploy/slack-manifest.yaml and reinstall it.",
        )
    return Check("slack token", True, f"bot {response.get('user_id')} in {response.get('team')}")


def check_slack_mode(settings: Settings) -> Check:
    """Socket Mode needs an app-level token; HTTP mode needs the signing secret."""
    modes = []
    if settings.slack_app_token.startswith("xapp-"):
        modes.append("Socket Mode (lastmile run)")
    if settings.slack_signing_secret:
        modes.append("HTTP mode (lastmile serve)")
    if not modes:
        return Check(
            "slack mode",
            False,
            "neither SLACK_APP_TOKEN (xapp-...) nor SLACK_SIGNING_SECRET is set",
            "Set SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode.",
        )
    return Check("slack mode", True, " and ".join(modes) + " ready")
