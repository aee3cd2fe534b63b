"""`lastmile run` (Socket Mode), and the start-up steps it shares with `lastmile serve`.

Slack code is imported inside the functions: `bot/` never imports slack_bolt at module level.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import fail, fail_database, load_settings
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from storage.engine import first_line

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.resume import ResumeSweeper

WHERE_TOKENS = {
    "SLACK_BOT_TOKEN": ("xoxb-", "OAuth & Permissions -> Bot User OAuth Token, after installing"),
    "SLACK_APP_TOKEN": ("xapp-", "Basic Information -> App-Level Tokens (scope connections:write)"),
    "SLACK_SIGNING_SECRET": ("", "Basic Information -> App Credentials -> Signing Secret"),
}


def require_slack(settings: Settings, command: str, names: tuple[str, ...]) -> None:
    """Stop with exit code 2 and one message when a Slack credential is missing or malformed."""
    values = {
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_APP_TOKEN": settings.slack_app_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
    }
    problems = []
    for name in names:
        prefix, where = WHERE_TOKENS[name]
        if not values[name]:
            problems.append(f"  - {name} is not set; copy it from your Slack app: {where}.")
        elif prefix and not values[name].startswith(prefix):
            problems.append(f"  - {name} should start with {prefix!r}; copy it from {where}.")
    if problems:
        lines = [f"lastmile {command}: Slack credentials missing:", *problems]
        fail("\n".join(lines + ["Set them in the environment or .env (see docs/slack-setup.md)."]))


def start_runtime(settings: Settings) -> Runtime:
    """Build the Runtime (connects and upgrades the database), or stop with a clear message."""
    try:
        return build_runtime(settings, instance_id=f"{socket.gethostname()}-{os.getpid()}")
    except SQLAlchemyError as error:
        fail_database(settings, error)
    except ValueError as error:
        fail(f"lastmile: {first_line(error)}")


def start_app(runtime: Runtime) -> tuple[App, ResumeSweeper]:
    """The Bolt app, after resuming events a previous run accepted but did not finish."""
    from handlers.app import build_app, make_client
    from handlers.resume import ResumeSweeper

    client = make_client(runtime)
    app = build_app(runtime, client=client)
    sweeper = ResumeSweeper(runtime, client)
    report = sweeper.run_now()
    if report.dispatched:
        click.echo(f"Resumed {report.dispatched} unfinished event(s).", err=True)
    sweeper.start()
    return app, sweeper


def on_stop_signals(stop: Callable[[], None]) -> None:
    """Call `stop` on SIGTERM (containers, systemd) and SIGINT (Ctrl-C)."""

    def handler(_signum: int, _frame: Any) -> None:
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


@click.command(name="run")
def run_command() -> None:
    """Connect to Slack over Socket Mode (one machine, no public URL; needs SLACK_APP_TOKEN)."""
    from slack_sdk.errors import SlackApiError

    from handlers.socket_mode import SocketModeRunner

    settings = load_settings()
    require_slack(settings, "run", ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    runtime = start_runtime(settings)
    app, sweeper = start_app(runtime)
    runner = SocketModeRunner(app, settings.slack_app_token, api_url=settings.slack_api_url)
    try:
        runner.start()
    except SlackApiError as error:
        fail(f"lastmile run: Slack refused the app token ({error.response.get('error')}).")
    on_stop_signals(runner.request_stop)
    click.echo("lastmile is connected to Slack over Socket Mode (Ctrl-C stops).", err=True)
    runner.wait()
    sweeper.stop()
    runner.close()
