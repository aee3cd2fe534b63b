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


OUR_LOGGERS = ("bot", "handlers", "storage")
"""LASTMILE_LOG_LEVEL=DEBUG applies to these alone: they log ids and counts, never people's text."""
LIBRARY_FLOOR = logging.INFO
"""Every other library logs at INFO or above, whatever LASTMILE_LOG_LEVEL says."""
QUIET_LOGGERS = {
    # At DEBUG these log whole request or response bodies: prompts with the user's question
    # and knowledge passages (anthropic, openai), Web API calls with questions, answers and
    # modals (slack_sdk), incoming requests (slack_bolt), Socket Mode frames (websockets).
    "anthropic": logging.INFO,
    "openai": logging.INFO,
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
    "websockets": logging.INFO,
    "websocket": logging.WARNING,
    # INFO is every SQL statement with its bound parameters (question and answer text).
    "sqlalchemy": logging.WARNING,
    # URLs and connection chatter on every HTTP call (also the httpx2 fork the SDKs may use).
    "httpx": logging.WARNING,
    "httpx2": logging.WARNING,
    "httpcore": logging.WARNING,
    "httpcore2": logging.WARNING,
    "urllib3": logging.WARNING,
    # Migration chatter on every command; renderers flood DEBUG when building digests.
    "alembic": logging.WARNING,
    "markdown_it": logging.WARNING,
    "matplotlib": logging.WARNING,
    "PIL": logging.WARNING,
    # A damaged PDF gives a warning per object; lastmile names the skipped file once.
    "pypdf": logging.ERROR,
    # A collector that is down gives a warning per retry; its spans are dropped, not queued.
    "opentelemetry": logging.ERROR,
}


def library_floor(name: str) -> int:
    """The lowest level a record from logger `name` may have to be written."""
    if name.split(".", 1)[0] in OUR_LOGGERS:
        return logging.NOTSET
    while name:
        if name in QUIET_LOGGERS:
            return QUIET_LOGGERS[name]
        name = name.rpartition(".")[0]
    return LIBRARY_FLOOR


class _LibraryFloor(logging.Filter):
    """Drops library records below their floor. A handler filter, because libraries reset
    their own loggers' levels (Bolt copies the root level into each App's logger; the SDKs
    turn DEBUG on when ANTHROPIC_LOG / OPENAI_LOG say so)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= library_floor(record.name)


class _DropNoise(logging.Filter):
    """Bolt warns at every start when SLACK_BOT_TOKEN is set and we hand it a ready client."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def configure_logging(level: str) -> None:
    """Plain log lines on stderr; tokens and message bodies are never logged, at any level.

    DEBUG is lastmile's own: libraries stay at INFO or above (QUIET_LOGGERS: higher).
    """
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(_FLOOR)  # the guarantee; the levels below only save the formatting
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    logging.getLogger("slack_bolt.App").addFilter(_NOISE)
    logging.getLogger(__name__).debug(
        "DEBUG covers %s only; other libraries log at INFO or above", ", ".join(OUR_LOGGERS)
    )


_FLOOR = _LibraryFloor()
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
