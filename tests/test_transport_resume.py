"""Exactly-once processing across crashes: run_once, the queue's leases, the database going down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_bolt import App

from bot.clock import ManualClock
from bot.runtime import Runtime
from handlers.app import build_app
from handlers.middleware import MAX_ATTEMPTS, run_once
from handlers.middleware.events import RETRY_AFTER_S
from handlers.resume import LEASE_S, resume_unfinished
from storage import Store, make_engine
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.transport import AckOnly, Probe, http_get, serving


def resume_app(runtime: Runtime, probe: Probe) -> App:
    """The synchronous app handlers/resume.py uses, with the probe as its slow listener."""
    app = build_app(runtime, synchronous=True)
    app.use(probe)
    return app


def record(runtime: Runtime, body: dict[str, Any]) -> str:
    """An event accepted (and acknowledged) by a process that then crashed."""
    event_id = str(body["event_id"])
    assert runtime.store.claim_event(event_id, "app_mention", body)
    return event_id


def test_event_recorded_but_never_finished_is_processed_at_start_exactly_once(
    runtime: Runtime,
) -> None:
    event_id = record(runtime, payloads.app_mention("<@UBOT> lost in the crash?"))
    probe = Probe(runtime)
    app = resume_app(runtime, probe)
    first = resume_unfinished(runtime, app)
    second = resume_unfinished(runtime, app)
    assert probe.done == [event_id]
    assert (first.dispatched, second.dispatched) == (1, 0)
    row = runtime.store.get_event(event_id)
    assert row is not None and row.status == "done"


def test_crash_after_the_ack_loses_nothing(runtime: Runtime) -> None:
    mention = payloads.app_mention("<@UBOT> how do I reset my password?")
    with serving(runtime, probe=AckOnly(runtime)) as crashed:
        assert crashed.sender.send_event(mention).status == 200
    assert crashed.probe.seen == [mention["event_id"]]
    probe = Probe(runtime)
    resume_unfinished(runtime, resume_app(runtime, probe))  # the next start
    assert probe.done == [mention["event_id"]]


def test_event_no_slow_listener_takes_is_marked_done(runtime: Runtime) -> None:
    event_id = record(runtime, payloads.reaction_added("eyes", item_ts="1700000000.000200"))
    resume_unfinished(runtime, resume_app(runtime, AckOnly(runtime)))
    row = runtime.store.get_event(event_id)
    assert row is not None and row.status == "done"


def test_failed_work_is_retried_then_marked_failed(runtime: Runtime) -> None:
    event_id = record(runtime, payloads.app_mention("<@UBOT> flaky"))
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise RuntimeError("provider exploded")

    results = [run_once(runtime, event_id, work) for _ in range(MAX_ATTEMPTS + 1)]
    assert results == [False] * (MAX_ATTEMPTS + 1)
    assert len(calls) == MAX_ATTEMPTS  # the last call finds it failed and does not run
    row = runtime.store.get_event(event_id)
    assert row is not None and (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)


def test_failure_then_success_answers_once(runtime: Runtime, clock: ManualClock) -> None:
    event_id = record(runtime, payloads.app_mention("<@UBOT> second time lucky"))
    probe = Probe(runtime, fail_times=1)
    app = resume_app(runtime, probe)
    first = resume_unfinished(runtime, app)
    backing_off = resume_unfinished(runtime, app)  # a failed event waits before its retry
    assert runtime.store.event_backlog() == (0, 0, 1)
    clock.advance(timedelta(seconds=RETRY_AFTER_S + 1))
    reports = [first, backing_off, resume_unfinished(runtime, app), resume_unfinished(runtime, app)]
    assert [r.dispatched for r in reports] == [1, 0, 1, 0]
    assert probe.done == [event_id]


def test_a_dead_workers_lease_runs_out_and_another_takes_the_event(
    runtime: Runtime, clock: ManualClock
) -> None:
    event_id = record(runtime, payloads.app_mention("<@UBOT> who was on this?"))
    claimed = runtime.store.next_event(lease_s=LEASE_S)  # a worker that is then killed
    assert claimed is not None and claimed.event_id == event_id
    probe = Probe(runtime)
    app = resume_app(runtime, probe)
    assert resume_unfinished(runtime, app).dispatched == 0  # its lease still holds
    clock.advance(timedelta(seconds=LEASE_S + 1))
    assert resume_unfinished(runtime, app).dispatched == 1
    assert probe.done == [event_id]


def test_a_live_workers_heartbeat_keeps_its_event(runtime: Runtime, clock: ManualClock) -> None:
    event_id = record(runtime, payloads.app_mention("<@UBOT> a long answer"))
    assert runtime.store.next_event(lease_s=LEASE_S) is not None
    for _ in range(4):  # two minutes of heartbeats, each before the lease runs out
        clock.advance(timedelta(seconds=LEASE_S / 2))
        assert runtime.store.renew_leases([event_id], lease_s=LEASE_S) == 1
    assert resume_unfinished(runtime, resume_app(runtime, Probe(runtime))).dispatched == 0


def test_processing_is_left_alone_until_stale(runtime: Runtime, clock: ManualClock) -> None:
    event_id = record(runtime, payloads.app_mention("<@UBOT> slow one"))
    assert runtime.store.take_event(event_id)  # a live worker elsewhere is on it
    probe = Probe(runtime)
    app = resume_app(runtime, probe)
    assert resume_unfinished(runtime, app).dispatched == 0
    clock.advance(timedelta(hours=1))  # that worker died long ago
    assert resume_unfinished(runtime, app).dispatched == 1
    assert probe.done == [event_id]


def unreachable(database_url: str, tmp_path: Path) -> str:
    """A database URL of the same kind that cannot be reached."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/no/such/dir/lastmile.db"
    return "postgresql://postgres@127.0.0.1:1/test?connect_timeout=2"


def test_database_down_answers_503_and_the_retry_is_processed_later(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    mention = payloads.app_mention("<@UBOT> is the database up?")
    down = Store(make_engine(unreachable(database_url, tmp_path)), clock=runtime.clock)
    broken = Runtime(**{**vars(runtime), "store": down})
    with serving(broken) as served:
        reply = served.sender.send_event(mention)
        assert http_get(served.url + "/readyz") == (503, '{"database": "down"}')
        assert http_get(served.url + "/healthz")[0] == 200
    assert reply.status == 503
    assert served.probe.seen == []
    with serving(runtime) as healthy:  # Slack retries; the database is back
        assert healthy.sender.send_event(mention, retry_num=1).status == 200
    assert healthy.probe.done == [mention["event_id"]]


def test_resumed_mention_is_answered_by_the_real_ask_listener_once(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    """The product's lazy ask listener runs inside the resume pass; a second pass is a no-op."""
    mention = payloads.app_mention("<@UBOT> how do I book a meeting room?")
    event_id = record(runtime, mention)
    app = build_app(runtime, synchronous=True)
    resume_unfinished(runtime, app)
    resume_unfinished(runtime, app)
    thread = mention["event"]["ts"]
    answers = [c for c in slack.calls if c.params.get("thread_ts") == thread]
    starts = {c.method for c in answers} & {"chat.postMessage", "chat.startStream"}
    assert starts and len([c for c in answers if c.method in starts]) == 1
    row = runtime.store.get_event(event_id)
    assert row is not None and row.status == "done"
