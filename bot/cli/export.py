"""`lastmile export`: every feedback row with its question and answer, as JSONL or CSV."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from bot.cli.common import fail, load_settings, open_store
from bot.datasets import DATASET_KINDS, to_dataset_rows
from bot.export import FORMATS, export_records, write_records
from storage import Store
from storage.models import FEEDBACK_KINDS, Owner


def _owner(store: Store, wanted: str) -> Owner:
    """An owner by numeric id, name or Slack id."""
    for owner in store.owners_in_order():
        if wanted in (str(owner.id), owner.name, owner.slack_id):
            return owner
    fail(f"lastmile export: no owner {wanted!r} (use an owner id, name or Slack user id)")


@click.command(name="export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only feedback from this date on.")
@click.option("--kind", type=click.Choice(FEEDBACK_KINDS), help="Only one kind of feedback.")
@click.option(
    "--owner", "owner_ref", help="Only feedback owned by this owner (id, name, Slack id)."
)
@click.option("--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option(
    "--dataset",
    type=click.Choice(DATASET_KINDS),
    help="Failures with corrections as dataset items for this tool (JSONL; see docs/eval.md).",
)
def export_command(
    fmt: str,
    since: datetime | None,
    kind: str | None,
    owner_ref: str | None,
    output: str | None,
    dataset: str | None,
) -> None:
    """Export feedback (kind, reason, text, question, answer, prompt version, model) for review."""
    store = open_store(load_settings())
    try:
        owner = _owner(store, owner_ref) if owner_ref else None
        start = since.replace(tzinfo=UTC) if since else None
        records = export_records(store, since=start, kind=kind, owner=owner)
        if dataset is not None:
            records = iter(to_dataset_rows(records, dataset))
            fmt = "jsonl"  # every dataset import takes JSON objects
        if output is None:
            count = write_records(records, sys.stdout, fmt)
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = write_records(records, out, fmt)
    finally:
        store.engine.dispose()  # close pooled connections before exit, not at garbage collection
    click.echo(f"Exported {count} feedback records.", err=True)
