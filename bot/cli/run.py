"""`lastmile run` (Socket Mode), and the start-up steps it shares with `lastmile serve`.

The bot itself is assembled by bot/composition (imported inside the commands, so `lastmile
--help` and the offline commands never load Slack's SDK).
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

import click
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import fail, fail_database, load_settings
from bot.owners import OwnersFileError, load_owners_file
from bot.settings import Settings
from storage.engine import first_line

if TYPE_CHECKING:
    from bot.composition import RunningBot

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


def refuse_without_slack(settings: Settings, *, socket_mode: bool) -> None:
    """Stop (exit 2, one message) when Slack is unreachable or refuses the token(s)."""
    from bot.composition.preflight import slack_startup_problem

    problem = slack_startup_problem(settings, socket_mode=socket_mode)
    if problem is not None:
        fail(problem)


def start_bot(settings: Settings) -> RunningBot:
    """Build the bot (connects and upgrades the database), or stop with a clear message."""
    from bot.composition import compose  # imports Slack: only for the commands that need it

    if settings.owners_file is not None:  # before the database: a refused start changes nothing
        try:
            load_owners_file(settings.owners_file)
        except OwnersFileError as error:
            fail("lastmile: the owners file can't be used:\n" + str(error))

    try:
        return compose(settings, instance_id=f"{socket.gethostname()}-{os.getpid()}")
    except SQLAlchemyError as error:
        fail_database(settings, error)
    except ValueError as error:
        fail(f"lastmile: {first_line(error)}")


def say(message: str) -> None:
    """A start-up line for the admin, on stderr."""
    click.echo(message, err=True)


@click.command(name="run")
def run_command() -> None:
    """Connect to Slack over Socket Mode (one machine, no public URL; needs SLACK_APP_TOKEN)."""
    from slack_sdk.errors import SlackApiError

    from bot.composition.transports import run_socket_mode, socket_mode_runner

    settings = load_settings()
    require_slack(settings, "run", ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"))
    refuse_without_slack(settings, socket_mode=True)
    bot = start_bot(settings)
    runner = socket_mode_runner(bot)
    try:
        runner.start()
    except SlackApiError as error:
        fail(f"lastmile run: Slack refused the app token ({error.response.get('error')}).")
    run_socket_mode(bot, runner, say)
