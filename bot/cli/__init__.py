"""The `lastmile` command line: one group, one small module per command."""

from __future__ import annotations

import click

from bot.cli.cluster import cluster_command
from bot.cli.db import db_group
from bot.cli.demo import demo_command
from bot.cli.doctor import doctor_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lastmile-bot")
def cli() -> None:
    """lastmile: answers in Slack, one-click feedback, a weekly digest of what breaks.

    Configuration comes from the environment and a .env file (see .env.example).
    """


cli.add_command(cluster_command)
cli.add_command(db_group)
cli.add_command(demo_command)
cli.add_command(doctor_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lastmile")
