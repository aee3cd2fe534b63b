"""One reply per question, always finished: a retried question replaces its earlier reply.

Each test makes the first attempt fail where a soak run saw it fail (the database refusing a
write mid-answer, the process dying mid-stream), then retries as the event workers do, and
reads what Slack shows: one message in the thread, not streaming, with the answer's controls,
and the stored answer linked to it so clicks count.

The failures are injected with `FlakyStore` (a Store whose chosen writes raise the error a
database cut raises) and `DyingSink` (a sink that stops the attempt like a kill -9).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.answering import AnswerOutcome
from bot.clock import ManualClock
from bot.runtime import Runtime
from handlers.app import build_app, make_client
from handlers.ask.events import process_question_event
from handlers.ask.gave_up import GAVE_UP
from handlers.middleware import MAX_ATTEMPTS
from handlers.middleware.events import GIVE_UP_AFTER_S, MAX_RETRY_AFTER_S
from handlers.resume import resume_unfinished
from storage import Store
from tests.fakes import FakeSlackApi, payloads

Body = dict[str, Any]


class Killed(BaseException):
    """The process died here (nothing after it in the attempt runs, no `except Exception`)."""


class FlakyStore(Store):
    """A Store whose named writes fail `times` times, as during a database cut."""

    def __init__(self, store: Store, fail: str, times: int) -> None:
        super().__init__(store.engine, clock=store.clock)
        self.fail, self.times = fail, times

    def _maybe_fail(self, name: str) -> None:
        if name == self.fail and self.times > 0:
            self.times -= 1
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    def add_answer(self, **fields: Any) -> Any:
        self._maybe_fail("add_answer")
        return super().add_answer(**fields)

    def set_answer_message(self, answer_id: int, *, channel_id: str, message_ts: str) -> None:
        self._maybe_fail("set_answer_message")
        super().set_answer_message(answer_id, channel_id=channel_id, message_ts=message_ts)


def _with_store(runtime: Runtime, store: Store) -> Runtime:
    return Runtime(**{**vars(runtime), "store": store})


def _thread(slack: FakeSlackApi, body: Body) -> list[dict[str, Any]]:
    return [m for m in slack.messages("C111", body["event"]["ts"]) if m.get("bot_id")]


def _replies_started(slack: FakeSlackApi) -> int:
    return len(slack.calls_to("chat.startStream")) + len(slack.calls_to("chat.postMessage"))


def _assert_one_finished_reply(runtime: Runtime, slack: FakeSlackApi, body: Body) -> None:
    [reply] = _thread(slack, body)
    kinds = [block["type"] for block in reply.get("blocks") or []]
    assert "actions" in kinds  # the feedback controls: a finished answer
    assert "trying again" not in str(reply.get("text")) + str(reply.get("blocks"))
    answer = runtime.store.answer_by_message("C111", reply["ts"])
    assert answer is not None  # linked: clicks and reactions on it count


def _ask(runtime: Runtime, body: Body) -> None:
    process_question_event(runtime, make_client(runtime), str(body["event_id"]), body)


def test_storing_the_answer_fails_mid_answer_then_the_retry_replaces_the_partial_reply(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    body = payloads.app_mention("<@UBOT> how do I reset my password?")
    flaky = _with_store(runtime, FlakyStore(runtime.store, "add_answer", times=1))
    with pytest.raises(OperationalError):
        _ask(flaky, body)
    [partial] = _thread(slack, body)
    assert "trying again" in partial["text"]  # the asker is told; the stream was stopped
    _ask(runtime, body)  # the worker's retry
    assert _replies_started(slack) == 1  # no second reply was posted
    _assert_one_finished_reply(runtime, slack, body)


def test_linking_the_answer_fails_then_the_retry_links_it_and_clicks_count(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    body = payloads.app_mention("<@UBOT> where is the expense policy?")
    flaky = _with_store(runtime, FlakyStore(runtime.store, "set_answer_message", times=10))
    with pytest.raises(OperationalError):
        _ask(flaky, body)
    [reply] = _thread(slack, body)
    assert runtime.store.answer_by_message("C111", reply["ts"]) is None  # not linked yet
    _ask(runtime, body)
    assert _replies_started(slack) == 1
    _assert_one_finished_reply(runtime, slack, body)


def test_a_database_blip_while_linking_is_ridden_out_in_the_same_attempt(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    body = payloads.app_mention("<@UBOT> who approves travel?")
    flaky = _with_store(runtime, FlakyStore(runtime.store, "set_answer_message", times=2))
    _ask(flaky, body)
    _assert_one_finished_reply(runtime, slack, body)


def test_a_worker_killed_mid_stream_is_replaced_by_the_retry_and_its_stream_is_stopped(
    runtime: Runtime, slack: FakeSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = payloads.app_mention("<@UBOT> how many vacation days do I get?")
    from handlers.ask import sink as sink_module

    real_finish = sink_module.SlackAnswerSink.finish

    def die(self: Any, answer_id: int, outcome: AnswerOutcome) -> str | None:
        raise Killed  # after the text streamed and the answer was stored, before stopStream

    monkeypatch.setattr(sink_module.SlackAnswerSink, "finish", die)
    with pytest.raises(Killed):
        _ask(runtime, body)
    monkeypatch.setattr(sink_module.SlackAnswerSink, "finish", real_finish)
    assert len(slack.calls_to("chat.startStream")) == 1
    assert slack.calls_to("chat.stopStream") == []  # left streaming, as a kill -9 leaves it
    _ask(runtime, body)  # another worker, once the lease ran out
    assert _replies_started(slack) == 1
    [stopped, *_] = slack.calls_to("chat.stopStream")
    assert stopped.params["ts"] == _thread(slack, body)[0]["ts"]
    _assert_one_finished_reply(runtime, slack, body)


def test_a_second_run_after_a_finished_answer_posts_nothing(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    body = payloads.app_mention("<@UBOT> what is the wifi password?")
    _ask(runtime, body)
    calls = len(slack.calls)
    _ask(runtime, body)
    assert len(slack.calls) == calls
    _assert_one_finished_reply(runtime, slack, body)


def test_a_question_that_keeps_failing_is_retried_for_ten_minutes_then_the_asker_is_told(
    runtime: Runtime, slack: FakeSlackApi, clock: ManualClock
) -> None:
    body = payloads.app_mention("<@UBOT> what is the parental leave policy?")
    broken = _with_store(runtime, FlakyStore(runtime.store, "add_answer", times=1000))
    assert broken.store.claim_event(str(body["event_id"]), "app_mention", body)
    app = build_app(broken, synchronous=True)
    for _ in range(MAX_ATTEMPTS + 2):  # more failures than MAX_ATTEMPTS, all within minutes
        assert resume_unfinished(broken, app).dispatched == 1
        clock.advance(timedelta(seconds=MAX_RETRY_AFTER_S + 1))
    row = runtime.store.get_event(str(body["event_id"]))
    assert row is not None and row.status == "received"  # still being retried: not given up
    [reply] = _thread(slack, body)
    assert "trying again" in reply["text"]  # true: it is
    clock.advance(timedelta(seconds=GIVE_UP_AFTER_S))
    resume_unfinished(broken, app)
    resume_unfinished(broken, app)
    row = runtime.store.get_event(str(body["event_id"]))
    assert row is not None and row.status == "failed"
    [reply] = _thread(slack, body)  # the same reply, now saying the truth
    assert GAVE_UP.split(":")[0] in reply["text"] and "trying again" not in reply["text"]
