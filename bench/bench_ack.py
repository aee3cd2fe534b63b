"""Ack latency of `app_mention` over HTTP: lastmile's full stack against a bare Bolt app.

Both apps are served by the same server code (handlers/server: waitress + our WSGI wrapper)
on 127.0.0.1 and receive signed Events API requests at a fixed rate (open loop: a request
leaves on schedule whether or not earlier ones were answered). lastmile records each event
in SQLite before acking, and its ask listener answers after the ack (offline provider,
fake Slack Web API), so the table shows what the exactly-once layer costs the ack.

    python -m bench.bench_ack [--rate 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.clock import system_clock
from bot.runtime import Runtime, build_runtime
from handlers.app import build_app
from handlers.server import EVENTS_PATH, http_server
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.transport import SECRET, transport_settings

COMMAND = "python -m bench.bench_ack --rate {rate} --seconds {seconds}"


def bare_app(slack: FakeSlackApi) -> App:
    """The baseline: stock Bolt, signature check only, a no-op app_mention listener."""
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    app = App(client=client, signing_secret=SECRET, token_verification_enabled=False)

    @app.event("app_mention")
    def noop() -> None:
        """Does nothing."""

    return app


def load(url: str, rate: float, seconds: float) -> tuple[list[float], int]:
    """Send `rate` signed mentions per second for `seconds`; latencies (ms) and failures."""
    sender = SlackSender(url, SECRET)
    count = int(rate * seconds)
    bodies = [payloads.app_mention(f"<@UBOT> question {i}?") for i in range(count)]
    futures: list[Future[tuple[float, int]]] = []
    with ThreadPoolExecutor(max_workers=32) as pool:
        start = time.perf_counter()
        for i, body in enumerate(bodies):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)  # pacing the open-loop schedule (a bench, not a test)
            futures.append(pool.submit(timed, sender, body))
    results = [f.result() for f in futures]
    return [ms for ms, _ in results], sum(1 for _, status in results if status != 200)


def timed(sender: SlackSender, body: dict[str, Any]) -> tuple[float, int]:
    """One request's latency in milliseconds, and its status."""
    begin = time.perf_counter()
    status = sender.send_event(body).status
    return (time.perf_counter() - begin) * 1000, status


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def measure(app: App, runtime: Runtime, rate: float, seconds: float) -> tuple[list[float], int]:
    """Serve `app` on a free port, warm it up, then load it."""
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    try:
        load(server.url + EVENTS_PATH, rate, 1.0)  # warm-up: auth.test, connections, imports
        return load(server.url + EVENTS_PATH, rate, seconds)
    finally:
        server.stop()
        app.listener_runner.listener_executor.shutdown(wait=True)


def rate_and_duration(doc: str) -> tuple[float, float]:
    """`--rate` (requests per second, <= 100) and `--seconds` (<= 60) from the command line."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second (<= 100)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration (<= 60)")
    args = parser.parse_args()
    return min(args.rate, 100.0), min(args.seconds, 60.0)


def main() -> None:
    """Run both targets and print the table."""
    rate, seconds = rate_and_duration(__doc__ or "")
    with FakeSlackApi() as slack, tempfile.TemporaryDirectory() as tmp:
        settings = transport_settings(f"sqlite:///{Path(tmp) / 'bench.db'}", slack.api_url)
        runtime = build_runtime(settings, clock=system_clock)
        rows = {
            "bare Bolt, no-op listener": measure(bare_app(slack), runtime, rate, seconds),
            "lastmile (record + ask after ack)": measure(
                build_app(runtime), runtime, rate, seconds
            ),
        }
        recorded = len(runtime.store.unfinished_events(limit=10_000))
        runtime.store.engine.dispose()
    print_table(rows, rate, seconds)
    print(f"events still unfinished after the run (should be 0): {recorded}")


def print_table(rows: dict[str, tuple[list[float], int]], rate: float, seconds: float) -> None:
    """Medians and tails per target, and lastmile's ratio to the baseline."""
    print(f"\nack latency, app_mention over HTTP, {rate:g} req/s for {seconds:g} s (loopback)")
    print(f"{'target':36} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-200':>8}")
    stats = {}
    for name, (latencies, failures) in rows.items():
        p50, p99 = statistics.median(latencies), percentile(latencies, 99)
        stats[name] = (p50, p99)
        print(
            f"{name:36} {len(latencies):>5} {p50:>8.2f} {p99:>8.2f} "
            f"{max(latencies):>8.2f} {failures:>8}"
        )
    (base50, base99), (ours50, ours99) = stats.values()
    print(f"ratio lastmile / bare: p50 {ours50 / base50:.2f}x, p99 {ours99 / base99:.2f}x")
    print("command: " + COMMAND.format(rate=f"{rate:g}", seconds=f"{seconds:g}"))


if __name__ == "__main__":
    main()
