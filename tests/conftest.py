"""Shared fixtures: a real database per test (SQLite always, PostgreSQL when configured),
a fake Slack Web API, and the Runtime the commands build on both."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from bot.clock import ManualClock
from bot.runtime import Runtime
from storage import Store, make_engine, upgrade
from storage.engine import normalize_url
from tests.fakes import FakeSlackApi
from tests.fakes.transport import transport_runtime

POSTGRES_ENV = "LASTMILE_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "LASTMILE_REQUIRE_POSTGRES"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Everything the suite reads lives in the repository, so a fresh clone tests itself.
TEST_DATA = PROJECT_ROOT / "tests" / "data"
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
"""Used when LASTMILE_TEST_POSTGRES_URL is unset and a server answers there (plain `make test`)."""


@functools.cache
def _local_postgres() -> str | None:
    try:
        with psycopg.connect(LOCAL_POSTGRES_URL, connect_timeout=2):
            return LOCAL_POSTGRES_URL
    except psycopg.Error:
        return None


def postgres_base_url() -> str | None:
    """The PostgreSQL URL for tests, or None; a required-but-missing URL fails the run.

    LASTMILE_TEST_POSTGRES_URL wins; without it a local server on 127.0.0.1:5432 (database
    `test`) is used when one answers, so `make test` on a machine with PostgreSQL skips nothing.
    """
    url = os.environ.get(POSTGRES_ENV, "").strip() or _local_postgres()
    if not url and os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_ENV} is not set")
    return url or None


@pytest.fixture
def clock() -> ManualClock:
    """A manual clock at a fixed Monday morning."""
    return ManualClock(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))


def _isolated_postgres_url() -> Iterator[str]:
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"no PostgreSQL at {LOCAL_POSTGRES_URL}; set {POSTGRES_ENV}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lastmile.db'}"
    else:
        yield from _isolated_postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL schema for tests only PostgreSQL can run (marked `postgres`)."""
    yield from _isolated_postgres_url()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that use `postgres_url` as `postgres`, so CI refuses to skip them."""
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def store(database_url: str, clock: ManualClock) -> Iterator[Store]:
    """A migrated Store on a fresh database, using the manual clock."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield Store(engine, clock=clock)
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    """A running fake Slack Web API (auth.test answers UBOT)."""
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def runtime(database_url: str, clock: ManualClock, slack: FakeSlackApi) -> Iterator[Runtime]:
    """The Runtime `lastmile run` and `lastmile serve` build, on the test database."""
    built = transport_runtime(database_url, clock, slack.api_url)
    yield built
    built.store.engine.dispose()


_skipped_postgres: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember PostgreSQL tests that were skipped, so CI can refuse them."""
    if report.skipped and "postgres" in report.keywords:
        _skipped_postgres.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With LASTMILE_REQUIRE_POSTGRES=1 a skipped PostgreSQL test fails the run."""
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1" and _skipped_postgres:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"PostgreSQL tests were skipped: {_skipped_postgres[:5]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
