"""Storage: sqlmodel tables, the Store (every query), engine set-up and migrations."""

from storage.engine import make_engine, upgrade
from storage.store import Store

__all__ = ["Store", "make_engine", "upgrade"]
