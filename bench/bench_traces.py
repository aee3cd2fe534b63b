"""Traces cost the answer path nothing: ack latency with the collector up, down or hanging.

lastmile's full stack (HTTP server, event record, ask after the ack, offline provider, fake
Slack Web API) receives signed `app_mention` events at a fixed rate, then a thumbs-down
reaction on every answer (feedback is stored, and traced, before the ack). Four runs in one
process, each on a fresh SQLite database: traces off (the baseline), exported to a local OTLP
receiver, to a closed port (collector down), and to a port that accepts but never answers
(collector hanging). For each: ack p50/p99 of mentions and reactions, the time until every
answer was stored, and the spans the receiver got. Ratios are against traces off.

    python -m bench.bench_traces [--rate 20] [--seconds 10]
"""

from __future__ import annotations

import dataclasses
import socket
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_ack import load, percentile, rate_and_duration, timed
from bot.cli.common import configure_logging
from bot.clock import system_clock
from bot.runtime import Runtime, build_runtime
from bot.traces.config import TraceSettings
from handlers.app import build_app
from handlers.server import EVENTS_PATH, http_server
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.otlp_receiver import OtlpReceiver
from tests.fakes.slack_app import stored_answers
from tests.fakes.transport import SECRET, transport_settings

COMMAND = "python -m bench.bench_traces --rate {rate} --seconds {seconds}"


@dataclasses.dataclass(frozen=True)
class Run:
    """One condition's measurements."""

    name: str
    mention_ms: list[float]
    reaction_ms: list[float]
    answered_s: float
    answers: int
    spans: int | None


@contextmanager
def hanging_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a collector stuck behind a proxy)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        yield int(listener.getsockname()[1])


def closed_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(name: str, slack: FakeSlackApi, folder: Path, endpoint: str, rate: float,
        seconds: float, receiver: OtlpReceiver | None = None) -> Run:  # fmt: skip
    """Mentions, then a reaction on each answer, against a bot tracing to `endpoint`."""
    settings = transport_settings(f"sqlite:///{folder / f'{name}.db'}", slack.api_url)
    settings = dataclasses.replace(settings, traces=TraceSettings(endpoint=endpoint))
    runtime = build_runtime(settings, clock=system_clock)
    app = build_app(runtime)
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    url = server.url + EVENTS_PATH
    try:
        load(url, rate, 1.0)  # warm-up
        warm = _wait_answered(runtime, int(rate))
        started = time.perf_counter()
        mentions, failed = load(url, rate, seconds)
        expected = warm + int(rate * seconds)
        answers = _wait_answered(runtime, expected)
        answered_s = time.perf_counter() - started
        reactions = _react(url, runtime, rate)
    finally:
        server.stop()
        app.listener_runner.listener_executor.shutdown(wait=True)
        runtime.traces.close()
        runtime.store.engine.dispose()
    assert failed == 0, f"{failed} mentions not acked with 200"
    spans = len(receiver.spans) if receiver is not None else None
    return Run(name, mentions, reactions, answered_s, answers, spans)


def _wait_answered(runtime: Runtime, expected: int, timeout: float = 120.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        linked = [a for a in stored_answers(runtime.store) if a.message_ts]
        if len(linked) >= expected:
            return len(linked)
        time.sleep(0.05)  # polling the database for completion (a bench, not a test)
    return len([a for a in stored_answers(runtime.store) if a.message_ts])


def _react(url: str, runtime: Runtime, rate: float) -> list[float]:
    sender = SlackSender(url, SECRET)
    latencies = []
    for answer in stored_answers(runtime.store):
        if not answer.message_ts:
            continue
        body = payloads.reaction_added("-1", item_ts=answer.message_ts,
                                       item_channel=answer.channel_id)  # fmt: skip
        ms, status = timed(sender, body)
        assert status == 200
        latencies.append(ms)
        time.sleep(1 / rate)  # pacing (a bench, not a test)
    return latencies


def main() -> None:
    """The four runs and the table."""
    rate, seconds = rate_and_duration(__doc__ or "")
    configure_logging("WARNING")  # as `lastmile serve` logs: the exporter's retries stay quiet
    runs = []
    with FakeSlackApi() as slack, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs.append(run("off", slack, folder, "", rate, seconds))
        with OtlpReceiver() as receiver:
            runs.append(run("collector up", slack, folder, receiver.endpoint, rate, seconds,
                            receiver))  # fmt: skip
        down = f"http://127.0.0.1:{closed_port()}/v1/traces"
        runs.append(run("collector down", slack, folder, down, rate, seconds))
        with hanging_port() as port:
            hung = f"http://127.0.0.1:{port}/v1/traces"
            runs.append(run("collector hanging", slack, folder, hung, rate, seconds))
    print_table(runs, rate, seconds)


def print_table(runs: list[Run], rate: float, seconds: float) -> None:
    """Medians, tails and ratios to traces off."""
    base = runs[0]
    print(f"\nack latency over HTTP, {rate:g} req/s, {seconds:g} s of mentions, then a "
          "thumbs-down reaction per answer (loopback, offline provider)")  # fmt: skip
    print("| traces | mention ack p50 ms | p99 | reaction ack p50 ms | p99 | x off (p50 m/r) "
          "| all answered s | answers | spans received |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        m50, r50 = statistics.median(r.mention_ms), statistics.median(r.reaction_ms)
        ratio = (f"{m50 / statistics.median(base.mention_ms):.2f} / "
                 f"{r50 / statistics.median(base.reaction_ms):.2f}")  # fmt: skip
        spans = "" if r.spans is None else str(r.spans)
        print(f"| {r.name} | {m50:.2f} | {percentile(r.mention_ms, 99):.2f} | {r50:.2f} "
              f"| {percentile(r.reaction_ms, 99):.2f} | {ratio} | {r.answered_s:.2f} "
              f"| {r.answers} | {spans} |")  # fmt: skip
    print("command: " + COMMAND.format(rate=f"{rate:g}", seconds=f"{seconds:g}"))


if __name__ == "__main__":
    main()
