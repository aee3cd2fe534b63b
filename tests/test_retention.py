"""Retention: what is kept and what is gone, on SQLite and PostgreSQL (the `store` fixture).

A handled DM survives only as its question row, and that goes after LASTMILE_RETENTION_DAYS
with its answer and feedback; verified answers, themes and owners stay; finished Slack events
keep their id (no payload) for the de-duplication window. `lastmile db purge` runs as a process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlmodel import SQLModel, select

from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.retention import COUNTED, DEDUPE_WINDOW, PurgeReport, purge_expired
from storage import Store, make_engine, upgrade
from storage.models import (
    Answer,
    Feedback,
    FixNotice,
    ProcessedEvent,
    Question,
    Theme,
    UrgentPing,
)
from storage.queries.retention import BATCH
from tests.conftest import PROJECT_ROOT
from tests.fakes import payloads
from tests.fakes.digest_data import Seeded, seed
from tests.fakes.slack_app import running_app, stored_answers, write_knowledge

DAYS = 365
DM_TEXT = "my manager Dana said my salary review is on hold, is that allowed?"


def database_text(store: Store) -> dict[str, str]:
    """Every row of every table as text, by table name (what a database dump would show)."""
    dump: dict[str, str] = {}
    with store.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = connection.execute(table.select()).all()
            dump[table.name] = json.dumps([list(row) for row in rows], default=str)
    return dump


def tables_holding(store: Store, needle: str) -> list[str]:
    """The tables in which `needle` appears anywhere."""
    return sorted(name for name, dump in database_text(store).items() if needle in dump)


def purge(store: Store, now: datetime, **kwargs: Any) -> PurgeReport:
    """`purge_expired` with the default retention."""
    return purge_expired(store, now=now, retention_days=DAYS, **kwargs)


def counts(**expected: int) -> dict[str, int]:
    """A full counts dict: the given tables, zero for the rest."""
    return dict.fromkeys(COUNTED, 0) | expected


def test_a_handled_dm_lives_on_only_as_its_question_until_retention_ends(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    page = "# Salary reviews\n\nA salary review is never on hold: reviews run every March.\n"
    knowledge = write_knowledge(tmp_path / "kb", {"hr/salary.md": page})
    dm = payloads.dm(DM_TEXT)
    with running_app(store, answerer=OfflineAnswerer(), knowledge=knowledge, clock=clock) as app:
        app.sender.send_event(dm)
        app.slack.wait_for("chat.stopStream")
        app.drain()
    row = store.get_event(dm["event_id"])
    assert row is not None and (row.status, row.kind, row.payload) == ("done", "message.im", {})
    assert tables_holding(store, DM_TEXT) == ["question"]
    [answer] = stored_answers(store)
    assert "reviews run every March" in answer.text
    assert tables_holding(store, "reviews run every March") == ["answer"]
    assert not store.claim_event(dm["event_id"], "message.im", dm)  # a retry is still a no-op

    report = purge(store, clock() + timedelta(days=DAYS, hours=1))
    assert report.counts() == counts(processed_events=1, questions=1, answers=1)
    assert tables_holding(store, DM_TEXT) == []
    assert tables_holding(store, "reviews run every March") == []


def test_unfinished_events_keep_their_payload_for_the_resume_sweep(
    store: Store, clock: ManualClock
) -> None:
    waiting, working = payloads.dm("still waiting"), payloads.app_mention("<@UBOT> mid-way")
    store.claim_event(waiting["event_id"], "message.im", waiting)
    store.claim_event(working["event_id"], "app_mention", working)
    assert store.take_event(working["event_id"])
    clock.advance(DEDUPE_WINDOW + timedelta(days=1))
    assert purge(store, clock()).counts() == counts()
    unfinished = {row.event_id: row.payload for row in store.unfinished_events()}
    assert unfinished == {waiting["event_id"]: waiting, working["event_id"]: working}


def test_finished_events_go_after_the_dedupe_window_and_stuck_ones_after_retention(
    store: Store, clock: ManualClock
) -> None:
    now = clock()
    ages = {"done-8d": 8, "done-6d": 6, "stuck-8d": 8, "stuck-400d": 400, "failed-9d": 9}
    for name, days in ages.items():
        clock.set(now - timedelta(days=days))
        store.claim_event(name, "app_mention", {"event": {"text": name}})
        if not name.startswith("stuck"):
            store.finish_event(name, "failed" if name.startswith("failed") else "done")
    report = purge(store, now)
    assert report.counts() == counts(processed_events=3)
    left = {name for name in ages if store.get_event(name) is not None}
    assert left == {"done-6d", "stuck-8d"}


def _conversation(store: Store, clock: ManualClock, at: datetime, word: str) -> Seeded:
    """A question with a correction, a thumbs down from someone else and an urgent ping."""
    seeded = seed(store, clock, at, f"{word}: how many vacation days?", kind="correction",
                  correction=f"{word}: it is 25 days")  # fmt: skip
    store.record_vote(answer_id=seeded.answer_id, user_id="U0OTHER", kind="down", source="button")
    assert store.add_urgent_report(answer_id=seeded.answer_id, owner_id=None, reason="reports")
    return seeded


def test_old_conversations_go_and_recent_ones_stay(store: Store, clock: ManualClock) -> None:
    now = clock()
    old = _conversation(store, clock, now - timedelta(days=400), "ancient")
    recent = _conversation(store, clock, now - timedelta(days=10), "recent")
    report = purge(store, now)
    assert report.counts() == counts(questions=1, answers=1, feedback=2, urgent_pings=1)
    assert report.conversations_before == now - timedelta(days=DAYS)
    assert store.get_question(old.question_id) is None
    assert store.feedback_for_answer(old.answer_id) == []
    assert tables_holding(store, "ancient") == []
    assert store.get_question(recent.question_id) is not None
    assert len(store.feedback_for_answer(recent.answer_id)) == 2
    assert tables_holding(store, "recent") == ["feedback", "question"]


def test_verified_answers_and_themes_outlive_the_correction_they_came_from(
    store: Store, clock: ManualClock
) -> None:
    now = clock()
    old = _conversation(store, clock, now - timedelta(days=400), "ancient")
    assert old.feedback_id is not None
    theme = store.save_theme(Theme(label="vacation days", first_seen=now, last_seen=now))
    assert theme.id is not None
    store.tag_feedback(theme.id, [old.feedback_id])
    approved = store.approve_correction(old.feedback_id, approved_by="U0OWNER1")
    assert approved is not None
    report = purge(store, now)
    assert report.verified_answers_unlinked == 1
    [verified] = store.active_verified_answers()
    assert (verified.question, verified.answer) == (
        "ancient: how many vacation days?",
        "ancient: it is 25 days",
    )
    assert (verified.theme_id, verified.source_feedback_id) == (theme.id, None)
    assert store.get_theme(theme.id) is not None
    assert tables_holding(store, "ancient") == ["verified_answer"]


def test_a_dry_run_counts_what_a_purge_deletes_and_a_second_purge_finds_nothing(
    store: Store, clock: ManualClock
) -> None:
    now = clock()
    for days in (400, 380, 10):
        _conversation(store, clock, now - timedelta(days=days), f"day-{days}")
    clock.set(now - timedelta(days=30))
    store.claim_event("Ev-old", "app_mention", {})
    store.finish_event("Ev-old")
    before = database_text(store)
    dry = purge(store, now, dry_run=True)
    assert database_text(store) == before
    real = purge(store, now)
    expected = counts(processed_events=1, questions=2, answers=2, feedback=4, urgent_pings=2)
    assert dry.counts() == real.counts() == expected
    assert dry.dry_run and not real.dry_run
    assert purge(store, now).counts() == counts()


def _bulk_conversations(store: Store, n: int, at: datetime) -> None:
    """`n` questions, each with one answer and one thumbs down, in one transaction."""
    with store.session() as session:
        questions = [Question(text=f"q{i}", user_id="U1", created_at=at) for i in range(n)]
        session.add_all(questions)
        session.flush()
        answers = [
            Answer(question_id=q.id or 0, text="a", provider="offline", model="m",
                   prompt_version="p", message_ts=f"{i}.1", created_at=at)
            for i, q in enumerate(questions)
        ]  # fmt: skip
        session.add_all(answers)
        session.flush()
        session.add_all(
            Feedback(answer_id=a.id or 0, user_id="U2", kind="down", source="button",
                     dedupe_key=f"k{a.id}", created_at=at, updated_at=at)
            for a in answers
        )  # fmt: skip


def _rows(store: Store, table: type[SQLModel]) -> int:
    with store.session() as session:
        return len(session.exec(select(table)).all())


def test_two_replicas_purging_at_once_delete_every_row_exactly_once(
    store: Store, clock: ManualClock, database_url: str
) -> None:
    n = 2 * BATCH + 203
    _bulk_conversations(store, n, clock() - timedelta(days=400))
    barrier = threading.Barrier(2)
    reports: list[PurgeReport] = []
    errors: list[BaseException] = []

    def replica() -> None:
        engine = make_engine(database_url)  # its own engine and pool, like another process
        try:
            barrier.wait(timeout=10)
            reports.append(purge(Store(engine, clock=clock), clock()))
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(reports) == 2
    for table in ("questions", "answers", "feedback"):
        assert sum(report.counts()[table] for report in reports) == n
    assert [_rows(store, t) for t in (Question, Answer, Feedback, UrgentPing)] == [0, 0, 0, 0]


def test_fix_checks_quoting_old_conversations_go_with_their_notices(
    store: Store, clock: ManualClock
) -> None:
    now = clock()
    theme = store.save_theme(Theme(label="vacation days", first_seen=now, last_seen=now))
    assert theme.id is not None
    checks = {}
    for days in (400, 10):
        clock.set(now - timedelta(days=days))
        results = [{"question": f"day-{days}: how many vacation days?", "answer": "25"}]
        check = store.save_fix_check(theme.id, checked_by="U0OWNER1", results=results)
        assert check.id is not None
        notice = FixNotice(fix_check_id=check.id, theme_id=theme.id, user_id="U0ASKER",
                           outcome="passes", created_at=clock())  # fmt: skip
        assert store.add_fix_notice(notice) is not None
        checks[days] = check.id
    report = purge(store, now)
    assert report.counts() == counts(fix_checks=1, fix_notices=1)
    assert store.get_fix_check(checks[400]) is None
    assert store.get_fix_check(checks[10]) is not None
    assert tables_holding(store, "day-400") == [] and store.get_theme(theme.id) is not None


def test_a_purge_with_nothing_due_is_three_reads_and_no_writes(
    store: Store, clock: ManualClock
) -> None:
    _conversation(store, clock, clock() - timedelta(days=10), "recent")
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        assert purge(store, clock() + timedelta(days=1)).total == 0
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert statements == ["SELECT", "SELECT", "SELECT"]


def test_the_reads_of_a_purge_use_indexes(tmp_path: Path, clock: ManualClock) -> None:
    """SQLite's query planner: SEARCH ... USING INDEX for the big tables, not a full SCAN."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    purge(Store(engine, clock=clock), clock())
    event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        plans = [
            " | ".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters).all())
            for statement, parameters in seen
        ]  # fmt: skip
    engine.dispose()
    events, questions, fix_checks = plans
    for plan in (events, questions):
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plans
    assert "fix_check" in fix_checks  # one row per Mark fixed: a small table, read whole


def _lastmile(args: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env=env | {"LASTMILE_RETENTION_DAYS": "30"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_db_purge_as_a_process_prints_the_counts_and_deletes_only_the_expired(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)  # the command runs on the real clock
    clock = ManualClock(now)
    store = Store(store.engine, clock=clock)
    old = _conversation(store, clock, now - timedelta(days=45), "past-thirty")
    recent = _conversation(store, clock, now - timedelta(days=10), "within-thirty")

    dry = _lastmile(["db", "purge", "--dry-run"], database_url, tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "Retention 30 days" in dry.stdout
    assert "questions: 1 would delete" in dry.stdout and "feedback: 2 would delete" in dry.stdout
    assert store.get_question(old.question_id) is not None

    done = _lastmile(["db", "purge"], database_url, tmp_path)
    assert done.returncode == 0, done.stderr
    for line in ("questions: 1 deleted", "answers: 1 deleted", "feedback: 2 deleted",
                 "urgent_pings: 1 deleted", "processed_events: 0 deleted"):  # fmt: skip
        assert line in done.stdout
    assert store.get_question(old.question_id) is None
    assert store.get_question(recent.question_id) is not None
    again = _lastmile(["db", "purge"], database_url, tmp_path)
    assert "questions: 0 deleted" in again.stdout and "Traceback" not in again.stderr


def test_upgrading_drops_the_payloads_that_finished_events_kept_before(
    database_url: str, clock: ManualClock
) -> None:
    """Rows written before this release: the migration empties finished events' payloads."""
    from alembic import command

    from storage.engine import alembic_config

    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0001")
    rows = [("Ev-done", "done"), ("Ev-ignored", "ignored"), ("Ev-waiting", "received")]
    with engine.begin() as connection:
        for event_id, status in rows:
            connection.execute(
                text(
                    "INSERT INTO processed_event (event_id, kind, status, payload, attempts, "
                    "received_at) VALUES (:id, 'message.im', :status, :payload, 1, :at)"
                ),
                {"id": event_id, "status": status, "at": clock(),
                 "payload": json.dumps({"event": {"text": DM_TEXT}})},
            )  # fmt: skip
    upgrade(engine)
    with Store(engine, clock=clock).session() as session:
        stored = session.exec(select(ProcessedEvent.event_id, ProcessedEvent.payload)).all()
    engine.dispose()
    assert dict(stored) == {
        "Ev-done": {},
        "Ev-ignored": {},
        "Ev-waiting": {"event": {"text": DM_TEXT}},
    }
