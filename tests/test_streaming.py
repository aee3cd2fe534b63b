"""`StreamingReply` against the fake Web API: throttling, long text, and breaking streams.

Time is a counter the test moves; the reply only ever reads it.
"""

from __future__ import annotations

import gc

import pytest
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.answering.steps import AnswerStep
from handlers.streaming import (
    APPEND_BUDGET_PER_MINUTE,
    OPEN_STREAMS,
    STREAM_TEXT_CHARS,
    UPDATE_INTERVAL_S,
    StreamingReply,
    stream_markdown,
)
from tests.fakes import FakeSlackApi

FOOTER: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text="Grounded in 1 source")])]
FULL: list[Block] = [SectionBlock(text=MarkdownTextObject(text="all")), *FOOTER]


class Ticker:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def reply(slack: FakeSlackApi, clock: Ticker, channel: str = "D123") -> StreamingReply:
    """A streaming reply into a thread of `channel`."""
    return StreamingReply(
        slack.client(), channel=channel, thread_ts="1600000000.000100", clock=clock
    )


def test_first_chunk_starts_at_once_then_one_flush_per_interval(slack: FakeSlackApi) -> None:
    clock = Ticker()
    streaming = reply(slack, clock)
    streaming.append("one ")
    assert [c.method for c in slack.calls] == ["chat.startStream"]
    streaming.append("two ")
    clock.now = 0.5
    streaming.append("three ")
    assert len(slack.calls) == 1  # throttled: less than a second since the last flush
    clock.now = 1.2
    streaming.append("four")
    ts = streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    assert [c.method for c in slack.calls] == [
        "chat.startStream",
        "chat.appendStream",
        "chat.stopStream",
    ]
    [message] = slack.messages("D123", thread_ts="1600000000.000100")
    assert message["ts"] == ts and message["text"] == "one two three four"
    assert message["blocks"][0]["type"] == "context"


def test_long_answer_is_split_into_calls_within_the_markdown_limit(slack: FakeSlackApi) -> None:
    streaming = reply(slack, Ticker())
    text = "<" * (STREAM_TEXT_CHARS // 2)  # escapes to `&lt;`: twice the limit
    streaming.append(text)
    streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    sizes = [len(c.params["chunks"][0]["text"]) for c in slack.calls if c.params.get("chunks")]
    assert max(sizes) <= STREAM_TEXT_CHARS and sum(sizes) == len(stream_markdown(text))


def test_stream_that_breaks_midway_is_finished_in_place(slack: FakeSlackApi) -> None:
    streaming = reply(slack, Ticker())
    streaming.append("partial ")
    slack.fail_next("chat.stopStream", error="message_not_in_streaming_state")
    streaming.append("rest")
    ts = streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    [update] = slack.calls_to("chat.update")
    assert update.params["ts"] == ts and streaming.mode == "fallback"
    assert slack.calls_to("chat.postMessage") == []
    [message] = slack.messages("D123", thread_ts="1600000000.000100")
    assert [b["type"] for b in message["blocks"]] == ["section", "context"]


def test_fallback_updates_are_throttled_too(slack: FakeSlackApi) -> None:
    slack.disable_streaming()
    clock = Ticker()
    streaming = reply(slack, clock, channel="C111")
    for n in range(5):
        streaming.append(f"{n} ")
        clock.now += 0.3
    streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    methods = [c.method for c in slack.calls if not c.method.endswith("Stream")]
    # post at 0.0, update at 1.2 (first tick >= 1 s later), then the final update with blocks
    assert methods == ["chat.postMessage", "chat.update", "chat.update"]
    assert slack.calls_to("chat.update")[-1].params["blocks"][0]["type"] == "section"


def test_streamed_markdown_renders_quotes_ampersands_and_citations_as_written() -> None:
    answer = "From *Expenses* [1]:\n> Taxis & trains are fine.\n\nSee also *Travel* [2]."
    assert stream_markdown(answer) == (
        "From *Expenses* \\[1]:\n> Taxis & trains are fine.\n\nSee also *Travel* \\[2]."
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<!channel> <!here> <!everyone> <!subteam^S123> <@U123> <#C123>",
        "<https://evil.example|your payslip>",
        "&lt;!channel&gt; and <https://evil.example>",
        "[your payslip](https://evil.example) ![x](https://evil.example/a.png)",
        "\\[payslip](https://evil.example)",  # a backslash of its own can't cancel ours
        "[payslip]\n\n[payslip]: https://evil.example",
    ],
)
def test_streamed_markdown_can_never_ping_or_hide_a_link(hostile: str) -> None:
    safe = stream_markdown(hostile)
    assert "<" not in safe  # no Slack token (<!channel>, <@U..>, <url|label>) or autolink
    # Every `[` is preceded by an odd number of backslashes: escaped, never a link opener.
    for at in (i for i, char in enumerate(safe) if char == "["):
        run = len(safe[:at]) - len(safe[:at].rstrip("\\"))
        assert run % 2 == 1, safe


def steps_of(call_params: dict[str, object]) -> list[tuple[str, str]]:
    """(id, status) of each task_update chunk in one call."""
    chunks = call_params.get("chunks") or []
    assert isinstance(chunks, list)
    return [(c["id"], c["status"]) for c in chunks if c["type"] == "task_update"]


def test_steps_are_held_until_a_wait_begins_then_sent_in_one_call(slack: FakeSlackApi) -> None:
    clock = Ticker()
    streaming = reply(slack, clock)
    streaming.step(AnswerStep("verified", "Checked approved answers", "complete"))
    streaming.step(AnswerStep("search", "Searched the knowledge base", "complete"))
    assert slack.calls == []  # nothing worth a call yet: no wait has begun
    streaming.step(AnswerStep("model", "Asked claude-test", "in_progress"))
    [start] = slack.calls
    assert steps_of(start.params) == [
        ("verified", "complete"),
        ("search", "complete"),
        ("model", "in_progress"),
    ]
    clock.now = 0.3
    streaming.append("Reset it ")  # within the interval: held
    streaming.step(AnswerStep("model", "Asked claude-test", "complete"))
    streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    assert [c.method for c in slack.calls] == ["chat.startStream", "chat.stopStream"]
    stop = slack.calls[-1]
    assert steps_of(stop.params) == [("model", "complete")]
    assert [c["type"] for c in stop.params["chunks"]] == ["task_update", "markdown_text"]


def test_an_aborted_reply_marks_the_step_in_progress_as_failed(slack: FakeSlackApi) -> None:
    streaming = reply(slack, Ticker())
    streaming.step(AnswerStep("model", "Asked claude-test", "in_progress"))
    streaming.abort("I couldn't finish this answer.")
    stop = slack.calls_to("chat.stopStream")[-1]
    assert steps_of(stop.params) == [("model", "error")]
    [message] = slack.messages("D123", thread_ts="1600000000.000100")
    assert message["text"].endswith("_I couldn't finish this answer._")


def test_steps_off_streams_text_only(slack: FakeSlackApi) -> None:
    streaming = StreamingReply(
        slack.client(), channel="D123", thread_ts="1600000000.000100", clock=Ticker(), steps=False
    )
    streaming.step(AnswerStep("model", "Asked claude-test", "in_progress"))
    streaming.append("text")
    streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    assert all("chunks" not in c.params for c in slack.calls)
    assert slack.calls[0].params["markdown_text"] == "text"


def test_many_streams_at_once_flush_less_often_to_stay_under_tier_4(slack: FakeSlackApi) -> None:
    gc.collect()  # replies another test dropped mid-stream leave the count
    assert OPEN_STREAMS.count() == 0
    clock = Ticker()
    replies = [reply(slack, clock) for _ in range(4)]
    for streaming in replies:
        streaming.append("first ")  # each starts its stream
    # 4 open streams share 80 appendStream calls a minute: one flush per 3 s each.
    assert replies[0].flush_interval() == pytest.approx(4 * 60 / APPEND_BUDGET_PER_MINUTE)
    clock.now = 1.5
    replies[0].append("held ")
    assert slack.calls_to("chat.appendStream") == []
    for streaming in replies[1:]:
        streaming.finish(stream_blocks=FOOTER, full_blocks=FULL)
    assert replies[0].flush_interval() == UPDATE_INTERVAL_S  # alone again
    replies[0].append("now")
    [append] = slack.calls_to("chat.appendStream")
    assert append.params["chunks"][0]["text"] == "held now"
