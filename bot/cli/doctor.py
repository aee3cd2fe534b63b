"""`lastmile doctor`: print every check, one line each with its fix; exit 1 if any failed."""

from __future__ import annotations

import sys

import click

from bot.cli.common import configure_logging
from bot.doctor import exit_code, read_settings, render, run_checks, summary


@click.command(name="doctor")
def doctor_command() -> None:
    """Check settings, database, provider key, Slack tokens and scopes, knowledge, owners and
    the digest schedule without changing anything; print how to fix each problem."""
    from bot.composition.preflight import slack_checks  # Slack code, loaded only here

    reading = read_settings()
    if reading.settings is not None:
        configure_logging(reading.settings.log_level)
    checks = run_checks(reading, slack_checks=slack_checks)
    for check in checks:
        for line in render(check):
            click.echo(line)
    click.echo(summary(checks))
    sys.exit(exit_code(checks))
