"""The CLI: every command documented, clear fatal errors with exit code 2 and no traceback."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.cli.common import configure_logging

PROJECT_ROOT = Path(__file__).resolve().parents[1]
README = PROJECT_ROOT / "README.md"


def _commands(group: click.Group, prefix: str = "lastmile") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


ALL_COMMANDS = list(_commands(cli))


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS, ids=[p for p, _ in ALL_COMMANDS])
def test_every_command_has_help_and_a_readme_entry(path: str, command: click.Command) -> None:
    assert command.help and len(command.help.strip()) > 10, f"{path} has no help text"
    assert f"`{path}" in README.read_text(), f"README has no entry for `{path}`"


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in cli.commands:
        assert name in result.output


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_bad_database_url_is_one_clear_message(tmp_path: Path) -> None:
    result = _run(["db", "upgrade"], {"DATABASE_URL": "mysql://nobody@nowhere/x"}, tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_message(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = _run(["db", "upgrade"], env, tmp_path)
    assert result.returncode == 2
    assert "cannot use the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_provider_is_one_clear_message(tmp_path: Path) -> None:
    result = _run(["db", "upgrade"], {"LASTMILE_PROVIDER": "gemini"}, tmp_path)
    assert result.returncode == 2
    assert "LASTMILE_PROVIDER" in result.stderr and "Traceback" not in result.stderr


def test_db_upgrade_creates_sqlite_file_by_default(tmp_path: Path) -> None:
    result = _run(["db", "upgrade"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "lastmile.db").is_file()


def test_doctor_names_missing_slack_token(tmp_path: Path) -> None:
    result = _run(["doctor"], {}, tmp_path)
    assert result.returncode == 1
    assert "[FAIL] slack token: SLACK_BOT_TOKEN is not set" in result.stdout
    assert "[ok  ] database" in result.stdout


def test_debug_logging_never_turns_on_message_body_loggers() -> None:
    configure_logging("DEBUG")
    assert not logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.INFO)


def test_unwritable_sqlite_path_says_what_to_check(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/lastmile.db"}
    result = _run(["db", "upgrade"], env, tmp_path)
    assert result.returncode == 2
    assert "folder exists and is writable" in result.stderr and "Traceback" not in result.stderr
