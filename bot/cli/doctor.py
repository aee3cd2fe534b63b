"""`lastmile doctor`."""

from __future__ import annotations

import sys

import click

from bot.cli.common import load_settings
from bot.doctor import run_checks


@click.command(name="doctor")
def doctor_command() -> None:
    """Check configuration, database, provider and Slack tokens/scopes; say how to fix problems."""
    settings = load_settings()
    checks = run_checks(settings)
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        click.echo(f"[{mark}] {check.name}: {check.detail}")
        if check.fix:
            click.echo(f"       -> {check.fix}")
    sys.exit(0 if all(check.ok for check in checks) else 1)
