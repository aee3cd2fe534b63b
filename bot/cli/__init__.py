"""The `lastmile` command line: one group, one small module per command."""

from __future__ import annotations

import click

from bot.cli.cluster import cluster_command
from bot.cli.db import db_group
from bot.cli.demo import demo_command
from bot.cli.digest import digest_command, owners_command
from bot.cli.doctor import doctor_command
from bot.cli.eval import eval_command
from bot.cli.export import export_command
from bot.cli.run import run_command
from bot.cli.serve import serve_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lastmile-bot")
def cli() -> None:
    """lastmile: answers in Slack, one-click feedback, a weekly digest of what breaks.

    Configuration comes from the environment and a .env file (see .env.example).
    """


cli.add_command(cluster_command)
cli.add_command(db_group)
cli.add_command(demo_command)
cli.add_command(digest_command)
cli.add_command(owners_command)
cli.add_command(doctor_command)
cli.add_command(eval_command)
cli.add_command(export_command)
cli.add_command(run_command)
cli.add_command(serve_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lastmile")
