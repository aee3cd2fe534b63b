"""Engine set-up (SQLite in WAL mode, PostgreSQL through psycopg 3) and Alembic upgrades."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 3
PG_POOL_TIMEOUT_S = 3


def normalize_url(url: str) -> str:
    """Route plain postgresql:// URLs to psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        # Room for the event workers, the heartbeat, the services and the ack path at once;
        # waiting longer than Slack's 3 s ack window for a connection is never useful.
        pool_size=10,
        max_overflow=20,
        pool_timeout=PG_POOL_TIMEOUT_S,
        # A server that doesn't answer fails in seconds, so the ack path can say 503 in time.
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
    )


UNREACHABLE_HINTS = (
    "connection refused",
    "could not connect",
    "timeout expired",
    "timed out",
    "server closed the connection",
    "connection reset",
    "the database system is starting up",
    "the database system is shutting down",
    "no route to host",
    "network is unreachable",
    "name or service not known",
    "temporary failure in name resolution",
)


def is_unreachable(error: BaseException) -> bool:
    """True when `error` says the server can't be reached now (not a wrong URL or password)."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(hint in text for hint in UNREACHABLE_HINTS)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs our migrations on `engine` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to call on every start."""
    command.upgrade(alembic_config(engine), "head")


def first_line(error: BaseException) -> str:
    """The first line of an exception's message, without SQL or stack noise."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
