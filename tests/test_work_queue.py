"""The event table as the work queue: the ack only records, workers claim once, leases expire.

Driven as production runs it: the real app over signed HTTP (tests/fakes/transport.py serves it
with `lastmile serve`'s server code), the real `EventWorkers`, real SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

from bot.clock import ManualClock
from bot.runtime import Runtime
from handlers.app import build_app, make_client
from handlers.ask.command import LOOKING_IT_UP
from handlers.server import EVENTS_PATH, http_server
from handlers.workers import SLOW_KINDS, EventWorkers
from storage import Store, make_engine
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.transport import SECRET, http_get


class HandOff:
    """Counts hand-offs (what the workers' `notify` receives)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def test_the_ack_records_the_event_and_runs_nothing_before_answering(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    hand_off = HandOff()
    app = build_app(runtime, hand_off=hand_off)
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    mention = payloads.app_mention("<@UBOT> where is the VPN guide?")
    try:
        reply = SlackSender(server.url + EVENTS_PATH, SECRET).send_event(mention)
    finally:
        server.stop()
    assert reply.status == 200 and hand_off.count == 1
    row = runtime.store.get_event(mention["event_id"])
    assert row is not None and row.status == "received"
    assert slack.calls_to("chat.startStream") == slack.calls_to("chat.postMessage") == []
    workers = EventWorkers(runtime, make_client(runtime))
    assert workers.run_pending() == 1  # the queue holds it; a worker answers it
    assert len(slack.calls_to("chat.startStream")) == 1
    row = runtime.store.get_event(mention["event_id"])
    assert row is not None and row.status == "done"


def test_a_backlog_is_claimed_exactly_once_by_concurrent_workers_of_two_replicas(
    store: Store, database_url: str, clock: ManualClock
) -> None:
    replicas = [store, Store(make_engine(database_url), clock=clock)]
    for n in range(60):
        replicas[0].claim_event(f"Ev{n:03d}", "app_mention", {"n": n})
    claimed: list[str] = []
    lock = threading.Lock()

    def work(replica: Store) -> None:
        while (event := replica.next_event(lease_s=30)) is not None:
            with lock:
                claimed.append(event.event_id)
            replica.finish_event(event.event_id)

    threads = [threading.Thread(target=work, args=(s,)) for s in replicas for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(claimed) == [f"Ev{n:03d}" for n in range(60)]
    assert Counter(claimed).most_common(1)[0][1] == 1
    assert replicas[1].event_backlog() == (0, 0, 0)
    replicas[1].engine.dispose()


def test_quick_events_are_not_stuck_behind_a_backlog_of_questions(store: Store) -> None:
    for n in range(5):
        store.claim_event(f"EvQ{n}", "app_mention", {})
    store.claim_event("EvReaction", "reaction_added", {})
    quick = store.next_event(lease_s=30, skip_kinds=SLOW_KINDS)
    assert quick is not None and quick.event_id == "EvReaction"
    oldest = store.next_event(lease_s=30)
    assert oldest is not None and oldest.event_id == "EvQ0"
    assert store.event_backlog() == (4, 2, 0)


def test_a_backlog_drains_through_the_running_workers_and_every_question_is_answered_once(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    mentions = [payloads.app_mention(f"<@UBOT> backlog question {n}?") for n in range(12)]
    for body in mentions:  # recorded while no worker ran (overload, or a restart)
        assert runtime.store.claim_event(str(body["event_id"]), "app_mention", body)
    workers = EventWorkers(runtime, make_client(runtime), answer_workers=3, quick_workers=1)
    workers.start()
    try:
        assert workers.wait_idle(timeout=60)
    finally:
        workers.stop()
        workers.join(10)
    replies = Counter(call.params["thread_ts"] for call in slack.calls_to("chat.startStream"))
    assert sorted(replies) == sorted(str(body["event"]["ts"]) for body in mentions)
    assert set(replies.values()) == {1}


def test_sqlite_held_by_another_process_gets_a_fast_503_not_a_30_second_wait(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL has no database-wide write lock
    path = database_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    app = build_app(runtime, hand_off=HandOff())
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    mention = payloads.app_mention("<@UBOT> is the database locked?")
    sender = SlackSender(server.url + EVENTS_PATH, SECRET)
    try:
        started = time.monotonic()
        locked = sender.send_event(mention)
        waited = time.monotonic() - started
        holder.rollback()
        retried = sender.send_event(mention, retry_num=1)  # Slack's retry, the lock released
    finally:
        server.stop()
        holder.close()
    assert locked.status == 503 and waited < 3.0  # within Slack's ack window: it retries
    assert retried.status == 200
    row = runtime.store.get_event(mention["event_id"])
    assert row is not None and row.status == "received"


def test_an_ask_command_is_queued_before_its_ack_and_answered_once_by_a_worker(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    hand_off = HandOff()
    app = build_app(runtime, hand_off=hand_off)
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    command = payloads.slash_command("/ask", "How do I book a meeting room?", user="W111")
    try:
        reply = SlackSender(server.url + EVENTS_PATH, SECRET).send_command(command)
    finally:
        server.stop()
        app.listener_runner.listener_executor.shutdown(wait=True)
    assert reply.status == 200 and LOOKING_IT_UP in reply.body and hand_off.count == 1
    assert slack.calls_to("chat.postMessage") == []  # nothing ran in the acking process
    row = runtime.store.get_event(f"command:{command['trigger_id']}")
    assert row is not None and (row.kind, row.status) == ("command.ask", "received")
    workers = EventWorkers(runtime, make_client(runtime))
    assert workers.run_pending() == 1  # e.g. after the acking replica was killed
    assert workers.run_pending() == 0
    [posted] = slack.calls_to("chat.postMessage")
    assert "meeting room" in posted.params["text"]
    assert len(slack.calls_to("chat.startStream")) == 1


def test_readyz_reports_the_backlog_the_workers_have_not_taken_yet(runtime: Runtime) -> None:
    app = build_app(runtime, hand_off=HandOff())  # no workers: every event stays queued
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    try:
        sender = SlackSender(server.url + EVENTS_PATH, SECRET)
        for n in range(3):
            assert sender.send_event(payloads.app_mention(f"<@UBOT> queued {n}?")).status == 200
        status, body = http_get(server.url + "/readyz")
    finally:
        server.stop()
    assert status == 200
    assert json.loads(body) == {
        "database": "ok",
        "backlog": {"waiting": 3, "working": 0, "retrying": 0},
    }


def test_an_event_id_too_long_to_store_is_refused_at_the_ack_not_retried_for_ever(
    runtime: Runtime,
) -> None:
    app = build_app(runtime, hand_off=HandOff())
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    body = payloads.app_mention("<@UBOT> a forged id", event_id="Ev" + "9" * 300)
    try:
        reply = SlackSender(server.url + EVENTS_PATH, SECRET).send_event(body)
    finally:
        server.stop()
    assert reply.status == 400 and "too long" in reply.body
    assert runtime.store.event_backlog() == (0, 0, 0)
