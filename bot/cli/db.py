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


@db_group.command(name="purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete what is past LASTMILE_RETENTION_DAYS now and print how many rows per table.

    Questions older than the retention period go with their answers and feedback, and so do
    fix checks that quote them; finished Slack events go after a 7-day de-duplication window.
    Verified answers, themes and owners stay. Safe to repeat, and to run beside live replicas
    (docs/operations.md).
    """
    from bot.retention import purge_expired

    settings = load_settings()
    store = open_store(settings)
    try:
        report = purge_expired(
            store, now=store.now(), retention_days=settings.retention_days, dry_run=dry_run
        )
    finally:
        store.engine.dispose()
    verb = "would delete" if dry_run else "deleted"
    click.echo(
        f"Retention {settings.retention_days} days: conversations before "
        f"{report.conversations_before:%Y-%m-%d %H:%M} UTC, finished events before "
        f"{report.events_finished_before:%Y-%m-%d %H:%M} UTC."
    )
    for table, count in report.counts().items():
        if table == "verified_answers_unlinked":
            click.echo(f"  verified answers kept, link to a purged correction cleared: {count}")
        else:
            click.echo(f"  {table}: {count} {verb}")
