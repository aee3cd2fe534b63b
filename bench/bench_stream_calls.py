"""Slack Web API calls per streamed answer: thinking steps cost no extra calls, and stay in limits.

One answer is a paced model (`WORDS` words, one every `GAP_S`: about 6 s of streaming) behind
`answer_question`, shown through `StreamingReply` into the fake Slack Web API over HTTP, on the
real clock. Compared in the same process:
- `steps`: lastmile now (task_update chunks for each step, text flushed at most once a second);
- `text only`: lastmile before thinking steps (same throttle, no chunks);
- `sdk default`: slack_sdk's `chat_stream` helper as documented (256-character buffer), the
  baseline a newcomer would write;
- `chunks refused` and `no streaming`: the fallbacks (a workspace without chunks, without
  streaming).
Columns: calls per answer (median), of them appendStream, the most calls in any one second,
ms until the asker first sees something, and answers a minute that fit in appendStream's
Tier 4 (100 a minute per workspace).

Run: python -m bench.bench_stream_calls [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from slack_sdk import WebClient

from bot.answering import AnswerRequest, KnowledgeBase, answer_question, load_prompt
from bot.answering.steps import OnStep, ignore_step
from bot.answering.types import Grounding
from handlers.streaming import APPEND_BUDGET_PER_MINUTE, UPDATE_INTERVAL_S, StreamingReply
from tests.fakes.slack_api import FakeSlackApi

WORDS = 150
GAP_S = 0.04
TIER4_PER_MINUTE = 100
PAGE = "---\nurl: https://wiki.example/vpn\n---\n# VPN guide\n\nReset it in the VPN portal.\n"
SHOWN = ("chat.startStream", "chat.appendStream", "chat.postMessage")


class PacedModel:
    """A model that streams `WORDS` words, one every `GAP_S` seconds."""

    provider = "bench"
    model = "paced-model"
    grounding: Grounding = "llm"

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[str]:
        """The answer, word by word, on the schedule."""
        for n in range(WORDS):
            time.sleep(GAP_S)
            yield f"word{n} "


class SdkDefault:
    """The baseline sink: slack_sdk's ChatStream with its documented default buffer."""

    def __init__(self, client: WebClient, channel: str, thread_ts: str) -> None:
        self.stream = client.chat_stream(channel=channel, thread_ts=thread_ts)

    def append(self, chunk: str) -> None:
        """Buffered by the SDK (256 characters)."""
        self.stream.append(markdown_text=chunk)

    def finish(self) -> None:
        """stopStream with what is left."""
        self.stream.stop()


def one_answer(
    slack: FakeSlackApi, knowledge: KnowledgeBase, mode: str, n: int
) -> dict[str, float]:
    """Answer once in `mode`; the calls it made and when the asker first saw something."""
    slack.enable_streaming()
    slack.accept_chunks()
    if mode == "chunks refused":
        slack.refuse_chunks()
    if mode == "no streaming":
        slack.disable_streaming()
    client = slack.client()
    thread = f"1600000000.{n:06d}"
    before = len(slack.calls)
    started = time.monotonic()
    if mode == "sdk default":
        sink = SdkDefault(client, "D111", thread)
        run(knowledge, sink.append, ignore_step)
        sink.finish()
    else:
        reply = StreamingReply(
            client,
            channel="D111",
            thread_ts=thread,
            clock=time.monotonic,
            steps=mode != "text only",
        )
        run(knowledge, reply.append, reply.step)
        reply.finish(stream_blocks=[], full_blocks=[])
    calls = slack.calls[before:]
    stamps = [call.at for call in calls]
    first = min(call.at for call in calls if call.method in SHOWN)
    appends = sum(call.method in ("chat.appendStream", "chat.update") for call in calls)
    return {
        "calls": len(calls),
        "appends": appends,
        "burst": max(sum(s <= t < s + 1.0 for t in stamps) for s in stamps),
        "first_ms": (first - started) * 1000,
    }


def run(knowledge: KnowledgeBase, on_chunk: Callable[[str], None], on_step: OnStep) -> None:
    """answer_question with the paced model."""
    answer_question(
        "how do I reset the VPN?",
        [],
        answerer=PacedModel(),
        knowledge=knowledge,
        verified=[],
        prompt=load_prompt(),
        on_chunk=on_chunk,
        on_step=on_step,
        clock=time.monotonic,
        deadline_s=60.0,
    )


MODES = ("steps", "text only", "sdk default", "chunks refused", "no streaming")
AT_ONCE = 10


def appends_per_minute_at_once(
    slack: FakeSlackApi, knowledge: KnowledgeBase
) -> tuple[float, float]:
    """`AT_ONCE` answers streaming together (threads, as the answer workers run them):
    appendStream calls a minute from all of them, without and with the shared budget."""
    rates = []
    for budget in (False, True):
        slack.enable_streaming()
        slack.accept_chunks()
        before = len(slack.calls)
        started = time.monotonic()

        def answer(n: int, budget: bool = budget) -> None:
            reply = StreamingReply(
                slack.client(),
                channel="D111",
                thread_ts=f"1700000000.{n:06d}",
                clock=time.monotonic,
            )
            if not budget:
                reply.flush_interval = lambda: UPDATE_INTERVAL_S  # type: ignore[method-assign]
            run(knowledge, reply.append, reply.step)
            reply.finish(stream_blocks=[], full_blocks=[])

        threads = [threading.Thread(target=answer, args=(n,)) for n in range(AT_ONCE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        minutes = (time.monotonic() - started) / 60
        appends = sum(c.method == "chat.appendStream" for c in slack.calls[before:])
        rates.append(appends / minutes)
    return rates[0], rates[1]


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp, FakeSlackApi() as slack:
        (Path(tmp) / "vpn.md").write_text(PAGE, encoding="utf-8")
        knowledge = KnowledgeBase.load(Path(tmp))
        for n in range(runs):
            for index, mode in enumerate(MODES):  # interleaved, so drift hits every mode alike
                results[mode].append(one_answer(slack, knowledge, mode, n * 10 + index))
        print_table(runs, results)
        unbudgeted, budgeted = appends_per_minute_at_once(slack, knowledge)
    print(
        f"{AT_ONCE} answers at once: appendStream {unbudgeted:.0f}/min with a fixed 1 s interval, "
        f"{budgeted:.0f}/min with the shared budget ({APPEND_BUDGET_PER_MINUTE}/min; Tier 4 ~100)"
    )


def print_table(runs: int, results: dict[str, list[dict[str, float]]]) -> None:
    """One row per mode: medians over the runs."""
    print(f"Web API calls per answer: {WORDS} words, one every {GAP_S}s, {runs} runs (medians)")
    baseline = statistics.median(r["calls"] for r in results["sdk default"])
    header = f"{'mode':<15} {'calls':>6} {'vs sdk':>7} {'appends':>8} {'max/s':>6} {'first ms':>9}"
    print(f"{header} {'answers/min in Tier 4':>22}")
    for mode, rows in results.items():
        calls = statistics.median(r["calls"] for r in rows)
        appends = statistics.median(r["appends"] for r in rows)
        burst = max(r["burst"] for r in rows)
        first = statistics.median(r["first_ms"] for r in rows)
        fit = TIER4_PER_MINUTE / appends if appends else float("inf")
        print(
            f"{mode:<15} {calls:>6.0f} {calls / baseline:>6.2f}x {appends:>8.0f} {burst:>6.0f} "
            f"{first:>9.1f} {fit:>22.1f}"
        )
    print(f"command: python -m bench.bench_stream_calls --runs {runs}")


if __name__ == "__main__":
    main()
