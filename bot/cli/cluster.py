"""`lastmile cluster`: group the texts of a CSV or JSONL file into themes, offline."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click

from bot.clustering import EMBEDDER_KINDS, EmbedderUnavailable, cluster_texts, make_embedder

Row = dict[str, str]
EXTRA_COLUMNS = ("theme_id", "theme_label")


@click.command(name="cluster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--text-column",
    default="text",
    show_default=True,
    help="Column (CSV) or field (JSONL) holding the text.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="CSV file to write: every input row plus theme_id and theme_label.",
)
@click.option(
    "--embedder",
    type=click.Choice(list(EMBEDDER_KINDS)),
    default="auto",
    show_default=True,
    help="auto: semantic (MiniLM) when its model is installed, else tfidf (no model).",
)
@click.option(
    "--seed", default=0, show_default=True, help="Seed for sampling; same seed, same themes."
)
def cluster_command(file: Path, text_column: str, output: Path, embedder: str, seed: int) -> None:
    """Cluster the texts in FILE (.csv or .jsonl) into themes; the number is not given.

    Writes OUTPUT as CSV with every input row and two more columns: theme_id (0 is the
    largest theme) and theme_label (its most central question). Example:

        lastmile cluster failures.csv --text-column question --output themes.csv
    """
    rows = _read_rows(file)
    if any(text_column not in row for row in rows):
        line = next(i for i, row in enumerate(rows, start=1) if text_column not in row)
        raise click.BadParameter(
            f"no column {text_column!r} in {file.name} (record {line})", param_hint="--text-column"
        )
    try:
        chosen = make_embedder(embedder, seed=seed)
    except EmbedderUnavailable as error:
        raise click.BadParameter(str(error), param_hint="--embedder") from error
    result = cluster_texts([row[text_column] for row in rows], embedder=chosen, seed=seed)
    for row, theme in zip(rows, result.labels, strict=True):
        row["theme_id"] = str(theme)
        row["theme_label"] = result.themes[theme].label
    _write_rows(output, rows)
    click.echo(f"{len(rows)} texts, {len(result.themes)} themes -> {output}")


def _read_rows(path: Path) -> list[Row]:
    """Rows of a .csv (header line) or .jsonl (one object per line) file, values as text."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise click.BadParameter(f"{path.name}: expected a .csv or .jsonl file", param_hint="FILE")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if suffix == ".csv":
                return [
                    {k: v or "" for k, v in row.items() if k is not None}
                    for row in csv.DictReader(handle)
                ]
            return [
                _json_row(line, number)
                for number, line in enumerate(handle, start=1)
                if line.strip()
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise click.BadParameter(f"cannot read {path.name}: {error}", param_hint="FILE") from error


def _json_row(line: str, number: int) -> Row:
    """One JSONL record as a flat row; nested values are kept as JSON text."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise click.BadParameter(
            f"line {number} is not JSON: {error.msg}", param_hint="FILE"
        ) from error
    if not isinstance(record, dict):
        raise click.BadParameter(f"line {number} is not a JSON object", param_hint="FILE")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in record.items()}


def _write_rows(path: Path, rows: list[Row]) -> None:
    """Write rows as CSV; columns in first-seen order, theme columns last."""
    columns = list(dict.fromkeys(key for row in rows for key in row if key not in EXTRA_COLUMNS))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*columns, *EXTRA_COLUMNS], restval="")
        writer.writeheader()
        writer.writerows(rows)
