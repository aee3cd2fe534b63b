"""What every command needs: settings read once, a migrated store, clear fatal errors."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import click
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError
from storage import Store, make_engine, upgrade
from storage.engine import first_line

EXIT_CONFIG = 2


def fail(message: str) -> NoReturn:
    """Print one clear message (no traceback) and exit with the configuration code."""
    click.echo(message, err=True)
    sys.exit(EXIT_CONFIG)


def load_settings() -> Settings:
    """Read and validate settings, or stop with every problem listed."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        fail(error.render())
    configure_logging(settings.log_level)
    return settings


QUIET_LOGGERS = {
    # slack_sdk logs every Web API request body (questions, answers, modals) at DEBUG.
    "slack_sdk": logging.INFO,
    "slack_bolt.App": logging.INFO,
    # Migration chatter on every command; markdown-it floods DEBUG when rendering digests.
    "alembic": logging.WARNING,
    "markdown_it": logging.WARNING,
}


class _DropNoise(logging.Filter):
    """Bolt warns at every start when SLACK_BOT_TOKEN is set and we hand it a ready client."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def configure_logging(level: str) -> None:
    """Plain log lines on stderr; tokens and message bodies are never logged, at any level."""
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name, floor in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(floor, logging.getLogger().level))
    logging.getLogger("slack_bolt.App").addFilter(_NOISE)


_NOISE = _DropNoise()


def open_store(settings: Settings) -> Store:
    """Connect, upgrade the schema to the newest migration, and hand back the Store."""
    try:
        engine = make_engine(settings.database_url)
        upgrade(engine)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        fail_database(settings, error)
    return Store(engine)


def fail_database(settings: Settings, error: BaseException) -> NoReturn:
    """Stop with one message saying which database failed, why, and what to check."""
    where = redact_url(settings.database_url)
    hint = (
        "Check that the folder exists and is writable."
        if settings.database_url.startswith("sqlite")
        else "Check that the server is running and the URL is right."
    )
    fail(
        f"lastmile: cannot use the database at DATABASE_URL ({where}):\n"
        f"  {first_line(error)}\n{hint}"
    )


def redact_url(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
