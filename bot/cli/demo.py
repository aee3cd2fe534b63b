"""`lastmile demo`: the whole loop offline (grows as the product does)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import configure_logging
from bot.settings import Settings
from storage import Store, make_engine, upgrade


@click.command(name="demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("lastmile-demo"),
    show_default=True,
    help="Folder for the demo's SQLite database and output files.",
)
def demo_command(directory: Path) -> None:
    """Run the product offline on embedded defaults: no Slack, no API key, SQLite."""
    configure_logging("WARNING")
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "demo.db"
    settings = Settings(database_url=f"sqlite:///{database}")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    Store(engine)
    click.echo(f"Demo database ready at {database} (provider: {settings.provider}).")
