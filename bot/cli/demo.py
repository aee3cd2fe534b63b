"""`lastmile demo`: two simulated weeks of the whole loop, offline, through the real handlers."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bot.cli.common import configure_logging


@click.command(name="demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("lastmile-demo"),
    show_default=True,
    help="Folder for the demo's SQLite database, knowledge copy, owners file and outputs.",
)
@click.option(
    "--questions",
    type=click.IntRange(20, 2000),
    default=200,
    show_default=True,
    help="Questions asked over the two weeks.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the simulation.")
def demo_command(directory: Path, questions: int, seed: int) -> None:
    """Run the whole loop offline: no Slack workspace, no API key, SQLite.

    Simulated employees ask about HR, IT, finance and travel over two weeks; the real Slack
    handlers answer over signed HTTP to a local fake Slack; owners act on the week-1 digest;
    the week-2 digest shows the effect. Writes the digests as Markdown and a chart as PNG.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.demo.output import show
    from bot.demo.run import run_demo

    configure_logging("ERROR")
    console = Console()
    started = time.monotonic()
    columns = (TextColumn("{task.description:<44.44}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("starting", total=questions + 3)

        def step(label: str) -> None:
            progress.update(task, advance=1, description=label)

        run = run_demo(directory, questions=questions, seed=seed, step=step)
    show(console, run, elapsed_s=time.monotonic() - started)
