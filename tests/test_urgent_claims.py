"""Claiming urgent pings in the database: once per owner per interval, safe across replicas,
and nothing lost when a flush dies or Slack refuses (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.feedback.urgent import UrgentBatch, flush_due
from storage import Store, make_engine
from storage.models import Owner
from storage.queries.urgent import IN_FLIGHT_LEASE_S
from tests.fakes.digest_data import seed

AT = datetime(2026, 11, 10, 9, tzinfo=UTC)
HOUR = 3600


def _owner(store: Store) -> int:
    with store.session() as session:
        owner = Owner(name="People team", slack_id="U0PEOPLE", created_at=store.now())
        session.add(owner)
        session.flush()
        assert owner.id is not None
        return owner.id


def _urgent(store: Store, clock: ManualClock, owner_id: int, question: str) -> int:
    seeded = seed(store, clock, clock(), question, kind="report", reason="unsafe")
    assert store.add_urgent_report(answer_id=seeded.answer_id, owner_id=owner_id, reason="unsafe")
    return seeded.answer_id


def test_an_owner_is_due_once_per_interval_and_nothing_is_claimed_twice(
    store: Store, clock: ManualClock
) -> None:
    clock.set(AT)
    owner = _owner(store)
    first = _urgent(store, clock, owner, "first?")
    [claimed] = store.claim_due_pings(owner_id=owner, interval_s=HOUR)
    assert claimed.answer.id == first and claimed.people == 1
    store.mark_pings_sent([claimed.ping.id or 0], channel_id="D0PEOPLE", message_ts="1.2")
    second = _urgent(store, clock, owner, "second?")
    assert store.claim_due_pings(owner_id=owner, interval_s=HOUR) == []  # not due: kept
    clock.advance(timedelta(hours=1, seconds=1))
    [again] = store.claim_due_pings(owner_id=owner, interval_s=HOUR)
    assert again.answer.id == second
    assert store.claim_due_pings(owner_id=owner, interval_s=0) == []  # in flight: taken


def test_a_flush_that_died_is_picked_up_after_its_lease(store: Store, clock: ManualClock) -> None:
    clock.set(AT)
    owner = _owner(store)
    _urgent(store, clock, owner, "lost in flight?")
    assert store.claim_due_pings(owner_id=owner, interval_s=0)  # ... then the process died
    assert store.owners_with_pending_pings() == []
    clock.advance(timedelta(seconds=IN_FLIGHT_LEASE_S + 1))
    assert store.owners_with_pending_pings() == [owner]
    assert len(store.claim_due_pings(owner_id=owner, interval_s=0)) == 1


def test_a_refused_send_releases_the_reports_for_the_next_flush(
    store: Store, clock: ManualClock
) -> None:
    clock.set(AT)
    owner = _owner(store)
    _urgent(store, clock, owner, "a?")
    _urgent(store, clock, owner, "b?")
    sent: list[list[str]] = []

    def refuse(batch: UrgentBatch) -> tuple[str, str]:
        raise RuntimeError("slack is down")

    def post(batch: UrgentBatch) -> tuple[str, str]:
        sent.append([row.question for row in batch.rows])
        return "D0PEOPLE", f"1.{len(sent)}"

    assert flush_due(store, interval_s=HOUR, admins=(), send=refuse) == 0
    assert flush_due(store, interval_s=HOUR, admins=(), send=post) == 1
    assert flush_due(store, interval_s=HOUR, admins=(), send=post) == 0
    assert sent == [["a?", "b?"]]


def test_two_replicas_flushing_at_once_send_one_message(
    store: Store, clock: ManualClock, database_url: str
) -> None:
    clock.set(AT)
    owner = _owner(store)
    for n in range(5):
        _urgent(store, clock, owner, f"question {n}?")
    replicas = [Store(make_engine(database_url), clock=clock) for _ in range(2)]
    start = threading.Barrier(len(replicas))
    claimed: list[int] = []

    def replica(other: Store) -> None:
        start.wait()
        rows = other.claim_due_pings(owner_id=owner, interval_s=HOUR)
        claimed.append(len(rows))

    threads = [threading.Thread(target=replica, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for other in replicas:
        other.engine.dispose()
    assert sorted(claimed) == [0, 5]


def test_an_urgent_report_nobody_owns_goes_to_the_first_admin(
    store: Store, clock: ManualClock
) -> None:
    clock.set(AT)
    seeded = seed(store, clock, AT, "who owns me?", kind="report", reason="unsafe")
    assert store.add_urgent_report(answer_id=seeded.answer_id, owner_id=None, reason="unsafe")
    destinations: list[str] = []

    def post(batch: UrgentBatch) -> tuple[str, str]:
        destinations.append(batch.destination)
        return "D0ADMIN", "1.1"

    assert flush_due(store, interval_s=HOUR, admins=(), send=post) == 0  # nobody: it waits
    assert flush_due(store, interval_s=HOUR, admins=("U0ADMIN", "U0OTHER"), send=post) == 1
    assert destinations == ["U0ADMIN"]
