"""Feedback click cost over real HTTP: Bolt ack latency and stored feedback per second.

Compares the full lastmile app (signed request -> Bolt -> our listener -> database) on SQLite
and PostgreSQL with a bare Bolt app whose listener only acks, in the same run, loopback only.
Reproduce: `python -m bench.bench_feedback` (PostgreSQL when LASTMILE_TEST_POSTGRES_URL is set).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import create_engine, text

from bot.clock import system_clock
from bot.vocabulary import ActionId
from storage import Store, make_engine, upgrade
from storage.engine import normalize_url
from tests.fakes import FakeSlackApi, SlackSender, payloads, serve_wsgi
from tests.fakes.feedback_kit import feedback_app

CLICKS = 300
WARMUP = 20
SECRET = "bench-secret"


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed_clicks(send: Callable[[int], int], count: int) -> list[float]:
    """Send `count` clicks one after another; each latency in milliseconds (HTTP 200 only)."""
    latencies = []
    for n in range(count):
        start = time.perf_counter()
        status = send(n)
        latencies.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    return latencies


def bare_bolt() -> list[float]:
    """Ack latency of a Bolt app whose feedback listener only acks (the floor)."""
    with FakeSlackApi() as slack:
        app = App(client=slack.client(), signing_secret=SECRET, token_verification_enabled=False)

        @app.action(ActionId.FEEDBACK_BUTTONS)
        def on_click(ack: Ack) -> None:
            ack()

        with serve_wsgi(SlackRequestHandler(app)) as url:
            sender = SlackSender(url + "/slack/events", SECRET)

            def send(n: int) -> int:
                body = payloads.block_action(
                    ActionId.FEEDBACK_BUTTONS, "up", action_type="feedback_buttons"
                )
                return sender.send_interactive(body).status

            timed_clicks(send, WARMUP)
            return timed_clicks(send, CLICKS)


def lastmile(store: Store) -> tuple[list[float], float]:
    """Ack latencies of thumbs-up clicks on distinct answers, and stored rows per second."""
    with feedback_app(store, system_clock) as kit:
        answers = [kit.answer() for _ in range(WARMUP + CLICKS)]

        def send(n: int) -> int:
            return kit.click_vote(answers[n], "up", user=f"U{n:05d}").status

        timed_clicks(send, WARMUP)
        kit.wait(WARMUP)
        start = time.perf_counter()
        latencies = timed_clicks(lambda n: send(WARMUP + n), CLICKS)
        kit.wait(WARMUP + CLICKS)
        rate = CLICKS / (time.perf_counter() - start)
        assert len(store.export_rows()) == WARMUP + CLICKS
        return latencies, rate


@contextmanager
def database(kind: str) -> Iterator[Store]:
    """A migrated store on a fresh SQLite file or a private PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            upgrade(engine)
            yield Store(engine, clock=system_clock)
            engine.dispose()
        return
    base = os.environ["LASTMILE_TEST_POSTGRES_URL"]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        yield Store(engine, clock=system_clock)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    """Print the table."""
    floor = bare_bolt()
    rows: list[tuple[str, list[float], float | None]] = [("bare Bolt (ack only)", floor, None)]
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("LASTMILE_TEST_POSTGRES_URL") else [])
    for kind in kinds:
        with database(kind) as store:
            latencies, rate = lastmile(store)
        rows.append((f"lastmile on {kind}", latencies, rate))
    base = statistics.median(floor)
    print(f"{CLICKS} sequential thumbs-up clicks over loopback HTTP (after {WARMUP} warm-up)")
    print(f"{'app':<24}{'ack p50 ms':>12}{'ack p99 ms':>12}{'x bare p50':>12}{'stored/s':>10}")
    for name, samples, stored in rows:
        p50 = statistics.median(samples)
        shown = f"{stored:.0f}" if stored is not None else "-"
        p99 = percentile(samples, 0.99)
        print(f"{name:<24}{p50:>12.2f}{p99:>12.2f}{p50 / base:>12.2f}{shown:>10}")
    print("reproduce: LASTMILE_TEST_POSTGRES_URL=... python -m bench.bench_feedback")


if __name__ == "__main__":
    main()
