"""A real `lastmile serve`, its PostgreSQL cut off, gets a thumbs down, answers 200 and is
killed with SIGKILL; with the database back, the next `lastmile serve` stores the vote once.

The database is reached through a TCP proxy (tests/fakes/tcp_proxy.py) that the test takes down
and brings back; `postgres_url` marks the test `postgres`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.vocabulary import ActionId
from storage import Store, make_engine, upgrade
from storage.engine import normalize_url
from storage.models import Answer
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.process_output import StderrLines
from tests.fakes.tcp_proxy import TcpProxy
from tests.fakes.transport import SECRET
from tests.test_transport_cli import environment, start, stop

CHANNEL, THREAD, TS = "C111", "1700000000.000100", "1700001000.000001"
ACK_BUDGET_S = 3.0  # Slack's: a click answered later shows the person an error


@pytest.fixture
def proxied(postgres_url: str) -> Iterator[tuple[str, TcpProxy]]:
    """The test database reached through a TCP proxy that can be taken down and back up."""
    url = make_url(normalize_url(postgres_url))
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield (
            url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            proxy,
        )


def _answer(url: str, clock: ManualClock) -> tuple[Store, Answer]:
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine, clock=clock)
    q = store.add_question(text="How many leave days?", user_id="U9", channel_id=CHANNEL)
    assert q.id is not None
    answer = store.add_answer(
        question_id=q.id, text="25 days.", provider="offline", model="m", prompt_version="p",
        channel_id=CHANNEL, message_ts=TS, thread_ts=THREAD,
    )  # fmt: skip
    return store, answer


def _serve(url: str, slack: FakeSlackApi, tmp_path: Path) -> tuple[StderrLines, str]:
    env = environment(
        url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        LASTMILE_SPOOL_DIR=str(tmp_path / "spool"),
    )  # fmt: skip
    lines = StderrLines(start(["serve", "--host", "127.0.0.1", "--port", "0"], env, tmp_path))
    return lines, lines.wait_for("lastmile serving Slack at ").split(" at ", 1)[1].strip()


def test_a_click_acked_while_the_database_is_down_survives_kill_9(
    proxied: tuple[str, TcpProxy], slack: FakeSlackApi, tmp_path: Path, clock: ManualClock
) -> None:
    url, proxy = proxied
    store, answer = _answer(url, clock)
    first, events_url = _serve(url, slack, tmp_path)
    try:
        proxy.down()
        click = payloads.block_action(
            ActionId.FEEDBACK_BUTTONS, "down", user="U222", channel=CHANNEL, message_ts=TS,
            thread_ts=THREAD, action_type="feedback_buttons",
        )  # fmt: skip
        started = time.monotonic()
        reply = SlackSender(events_url, SECRET).send_interactive(click)
        took = time.monotonic() - started
        spooled = sorted((tmp_path / "spool").glob("*.json"))  # on disk when Slack hears "ok"
    finally:
        first.proc.kill()  # SIGKILL: no handler, no flush, no atexit
        first.proc.wait(timeout=20)
        assert first.proc.stderr is not None
        first.proc.stderr.close()
    assert reply.status == 200 and took < ACK_BUDGET_S, took
    assert len(spooled) == 1
    print(f"ack with the database down: {took * 1000:.0f} ms")

    proxy.up()
    assert store.feedback_for_answer(answer.id or 0) == []  # nothing reached the database
    second, _ = _serve(url, slack, tmp_path)
    try:
        second.wait_for("spooled feedback replayed", timeout=30)
        told = _texts_until(slack, "logged")  # told once it was really stored
    finally:
        code = stop(second.proc)
    assert code == 0
    [row] = store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.source, row.user_id) == ("down", "button", "U222")
    assert list((tmp_path / "spool").glob("*.json")) == []
    assert any("logged" in text for text in told)
    store.engine.dispose()


def _texts_until(slack: FakeSlackApi, word: str, timeout: float = 15.0) -> list[str]:
    """Ephemeral texts sent so far, waiting (up to `timeout`) for one containing `word`."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [call.params["text"] for call in slack.calls_to("chat.postEphemeral")]
        if any(word in text for text in texts) or time.monotonic() > deadline:
            return texts
        time.sleep(0.05)
