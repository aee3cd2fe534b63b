"""`lastmile db ...`: schema management."""

from __future__ import annotations

import click

from bot.cli.common import load_settings, open_store, redact_url


@click.group(name="db")
def db_group() -> None:
    """Database schema commands (every other command also upgrades on start)."""


@db_group.command(name="upgrade")
def upgrade_command() -> None:
    """Create or migrate the database at DATABASE_URL to the newest schema."""
    settings = load_settings()
    open_store(settings)
    click.echo(f"Database at {redact_url(settings.database_url)} is up to date.")
