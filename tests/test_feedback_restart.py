"""The database restarts during a click: the click is kept and stored exactly once.

PostgreSQL only (SQLite has no server to restart); `postgres_url` marks the tests `postgres`.
The spool's default place for PostgreSQL is `.lastmile-spool` in the working directory, so the
tests run in their own temporary one. A process killed mid-outage: tests/test_feedback_kill.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from storage import Store, make_engine, upgrade
from storage.engine import normalize_url
from tests.fakes.feedback_kit import feedback_app
from tests.fakes.tcp_proxy import TcpProxy


@pytest.fixture
def proxied(postgres_url: str) -> Iterator[tuple[str, TcpProxy]]:
    """The test database reached through a TCP proxy that can be taken down and back up."""
    url = make_url(normalize_url(postgres_url))
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield (
            url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            proxy,
        )


def test_click_while_database_is_down_is_stored_once_when_it_is_back(
    proxied: tuple[str, TcpProxy],
    clock: ManualClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    url, proxy = proxied
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine, clock=clock)
    with feedback_app(store, clock) as kit:
        answer = kit.answer()
        proxy.down()  # the database goes away: pooled connections die, new ones are refused
        assert kit.click_vote(answer, "down").status == 200
        [told] = kit.harness.slack.wait_for("chat.postEphemeral")
        assert "will be saved automatically" in told.params["text"]
        assert kit.recorder.pending == 1
        [spooled] = (tmp_path / ".lastmile-spool").glob("*.json")  # on disk, not in memory
        assert kit.recorder.flush_pending() == 0  # still down: kept, not dropped
        assert spooled.exists()
        proxy.up()
        assert kit.recorder.flush_pending() == 1
        assert kit.recorder.flush_pending() == 0
        assert not spooled.exists()  # deleted once applied
        [row] = store.feedback_for_answer(answer.id or 0)
        assert (row.kind, row.source) == ("down", "button")
        confirmed = kit.harness.slack.wait_for("chat.postEphemeral", count=2)[-1]
        assert "logged" in confirmed.params["text"]  # told again once it is really stored
    engine.dispose()


@pytest.fixture
def postgres_store(postgres_url: str, clock: ManualClock) -> Iterator[Store]:
    """A migrated Store on a private PostgreSQL schema."""
    engine = make_engine(postgres_url)
    upgrade(engine)
    yield Store(engine, clock=clock)
    engine.dispose()


def test_backends_terminated_mid_session_are_replaced_transparently(
    postgres_store: Store, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = postgres_store
    with feedback_app(store, clock) as kit:
        answer = kit.answer()
        with store.engine.connect() as pooled:  # the app's pooled connection, nobody else's
            pid = pooled.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = create_engine(store.engine.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        kit.click_vote(answer, "up")
        kit.click_vote(answer, "up")
        kit.wait(2)
        assert [f.kind for f in store.feedback_for_answer(answer.id or 0)] == ["up"]
        assert kit.recorder.pending == 0
