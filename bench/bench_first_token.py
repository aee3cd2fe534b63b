"""First token to first Slack update: how soon the asker sees text once the model starts talking.

The fake Anthropic server streams a known schedule (a first token after `LEAD_S`, then one chunk
every `GAP_S`) and stamps when it writes the first token; the fake Slack API stamps when each
call arrives. Both run in this process on one `perf_counter`, so the difference is the latency
our code adds. Three ways of showing the answer are measured in the same process:
streaming (chat.startStream), post-and-update fallback, and the baseline of posting the whole
answer once it is complete.

Run: python -m bench.bench_first_token [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import anthropic

from bot.answering import AnswerOutcome, KnowledgeBase, load_prompt
from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.steps import AnswerStep
from bot.asking import AskRequest, ask
from bot.clock import system_clock
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.ask.sink import SlackAnswerSink
from storage import Store, make_engine, upgrade
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.http_wire import Reply
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_messages import Json

CHUNKS = tuple(f"Step {n}: open the VPN portal and follow the prompt [1]. " for n in range(12))
LEAD_S = 0.05
GAP_S = 0.04


class _Scheduled(list[bytes]):
    """SSE frames that are released on the schedule while the server writes them."""

    def __init__(self, frames: list[bytes], lead: int, server: TimedAnthropic) -> None:
        super().__init__(frames)
        self.lead, self.server = lead, server

    def __iter__(self) -> Iterator[bytes]:
        for index, frame in enumerate(list.__iter__(self)):
            if self.lead <= index < self.lead + len(CHUNKS):
                time.sleep(LEAD_S if index == self.lead else GAP_S)  # the model "thinking"
                if index == self.lead:
                    self.server.first_token_at.append(time.perf_counter())
            yield frame


class TimedAnthropic(FakeAnthropicServer):
    """The fake Anthropic server, streaming on a schedule and stamping its first token."""

    def __init__(self) -> None:
        super().__init__()
        self.first_token_at: list[float] = []

    def events(self, chunks: Sequence[str], body: dict[str, Any]) -> list[bytes]:
        """The normal frames, released on the schedule."""
        return _Scheduled(super().events(chunks, body), self.lead_frames, self)


class TimedSlack(FakeSlackApi):
    """The fake Slack API, stamping when each call arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[str, float]] = []

    def answer(
        self, method: str, params: Json, headers: dict[str, str], token: str | None
    ) -> Reply:
        """Stamp, then answer as usual."""
        self.arrivals.append((method, time.perf_counter()))
        return super().answer(method, params, headers, token)


class PostWhenComplete:
    """The baseline: say nothing until the answer is complete, then post it."""

    def __init__(self, slack: TimedSlack, channel: str, thread_ts: str) -> None:
        self.client, self.channel, self.thread_ts = slack.client(), channel, thread_ts

    def append(self, chunk: str) -> None:
        """Ignore partial text."""

    def finish(self, answer_id: int, outcome: AnswerOutcome) -> str | None:
        """One post with the whole answer."""
        response = self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, text=outcome.text
        )
        return str(response["ts"])

    def step(self, step: AnswerStep) -> None:
        """The baseline shows no thinking steps."""

    def reject(self, message: str) -> None:
        """Not used by the bench."""

    def on_reply(self, record: Callable[[str], None]) -> None:
        """Not used by the bench (no retries)."""

    def resume_at(self, ts: str) -> None:
        """Not used by the bench (no retries)."""

    def abort(self, notice: str) -> None:
        """Not used by the bench (no failures)."""


def one_run(runtime: Runtime, llm: TimedAnthropic, slack: TimedSlack, mode: str, n: int) -> float:
    """Milliseconds from the model's first token to the first Slack call showing text."""
    llm.reply_with("".join(CHUNKS), chunks=list(CHUNKS))
    slack.arrivals.clear()
    thread_ts = f"1600000000.{n:06d}"
    request = AskRequest("how do I reset the VPN password?", "U1", "C1", thread_ts, via="mention")
    sink: Any
    if mode == "baseline":
        sink = PostWhenComplete(slack, "C1", thread_ts)
    else:
        client = slack.client()
        sink = SlackAnswerSink(
            client, channel="C1", thread_ts=thread_ts, recipient_team_id="T1",
            recipient_user_id="U1", clock=time.monotonic,
        )  # fmt: skip
    ask(runtime, request, sink)
    shown = ("chat.startStream", "chat.appendStream", "chat.postMessage")
    first = min(t for method, t in slack.arrivals if method in shown)
    return (first - llm.first_token_at[-1]) * 1000


def measure(runs: int) -> dict[str, list[float]]:
    """Latencies per mode, modes interleaved so drift hits all of them alike."""
    results: dict[str, list[float]] = {"stream": [], "fallback": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp, TimedAnthropic() as llm, TimedSlack() as slack:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        client = anthropic.Anthropic(api_key="bench", base_url=llm.base_url, max_retries=0)
        runtime = Runtime(
            settings=Settings(answer_timeout_s=30.0),
            store=Store(engine),
            answerer=AnthropicAnswerer(client, model="claude-bench"),
            knowledge=KnowledgeBase([]),
            prompt=load_prompt(),
            clock=system_clock,
        )
        for n in range(runs):
            for mode, latencies in results.items():
                (slack.disable_streaming if mode == "fallback" else slack.enable_streaming)()
                latencies.append(one_run(runtime, llm, slack, mode, n * 10 + len(latencies)))
        engine.dispose()
    return results


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    results = measure(runs)
    baseline = statistics.median(results["baseline"])
    print(f"first token -> first Slack update, {runs} runs, {len(CHUNKS)} chunks every {GAP_S}s")
    print(f"{'mode':<10} {'median ms':>10} {'p90 ms':>8} {'vs baseline':>12}")
    for mode, values in results.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else median
        print(f"{mode:<10} {median:>10.1f} {p90:>8.1f} {median / baseline:>11.3f}x")
    print(f"command: python -m bench.bench_first_token --runs {runs}")


if __name__ == "__main__":
    main()
