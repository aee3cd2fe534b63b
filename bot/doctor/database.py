"""The database check: reachable and migrated, seen without changing anything.

A missing SQLite file is not created (the first start creates it), an existing one is opened
read-only, and pending migrations are reported, not run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.doctor.report import Check, fail, ok, warn
from storage import Store
from storage.engine import alembic_config, first_line, normalize_url
from storage.models import Owner

CONNECT_TIMEOUT_S = 5
UPGRADE_FIX = "Run `lastmile db upgrade` (or just start the bot: every start upgrades)."


@dataclass(frozen=True)
class DatabaseState:
    """The database line, and the owners stored in it (when it is there and migrated)."""

    check: Check
    owners: list[Owner] = field(default_factory=list)
    assistant_pane_seen: datetime | None = None  # an assistant_thread_started event arrived


def inspect_database(url: str) -> DatabaseState:
    """Look at DATABASE_URL without writing to it; never raises for a bad database."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError as error:
        return DatabaseState(fail("database", first_line(error), "Fix DATABASE_URL."))
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(parsed.database or "")
    engine = create_engine(
        parsed, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )
    return _inspect(engine, shown, "Start the database server or fix DATABASE_URL.")


def _sqlite(database: str) -> DatabaseState:
    if database in ("", ":memory:"):
        detail = "in-memory SQLite: nothing is kept when the process stops"
        fix = "Set DATABASE_URL=sqlite:///lastmile.db (a file) or a PostgreSQL URL."
        return DatabaseState(warn("database", detail, fix))
    path = Path(database).expanduser().resolve()
    if not path.exists():
        folder = path.parent
        if not folder.is_dir():
            detail = f"{path}: the folder {folder} does not exist"
            return DatabaseState(fail("database", detail, "Create the folder or fix DATABASE_URL."))
        detail = f"{path} does not exist yet; it will be created on first start"
        return DatabaseState(ok("database", detail))
    uri = f"{path.as_uri()}?mode=ro"
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )
    return _inspect(engine, str(path), "Point DATABASE_URL at lastmile's SQLite file.")


def _inspect(engine: Engine, shown: str, fix: str) -> DatabaseState:
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        state = _revisions(engine, shown, current)
    except (SQLAlchemyError, ImportError, OSError) as error:
        state = DatabaseState(fail("database", f"{shown}: {first_line(error)}", fix))
    finally:
        engine.dispose()
    return state


def _revisions(engine: Engine, shown: str, current: set[str]) -> DatabaseState:
    script = ScriptDirectory.from_config(alembic_config(engine))
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = current - known
    if unknown:
        detail = f"{shown} is at revision {', '.join(sorted(unknown))}, newer than this lastmile"
        return DatabaseState(fail("database", detail, "Install the lastmile that wrote it."))
    applied = {r.revision for head in current for r in script.iterate_revisions(head, "base")}
    pending = len(known - applied)
    if pending:
        detail = f"{shown}: reachable, {pending} migration(s) pending (not run by the doctor)"
        return DatabaseState(warn("database", detail, UPGRADE_FIX))
    store = Store(engine)
    return DatabaseState(
        ok("database", f"{shown}: reachable, schema up to date"),
        store.list_owners(),
        store.last_received("assistant_thread_started"),
    )
