"""The Store on real SQLite and PostgreSQL: idempotency lives in database constraints."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot.clock import ManualClock
from storage import Store, make_engine, upgrade


def _answer(store: Store, channel: str = "C1", ts: str = "100.1") -> int:
    question = store.add_question(text="How many vacation days?", user_id="U1", channel_id=channel)
    assert question.id is not None
    answer = store.add_answer(
        question_id=question.id,
        text="25 days.",
        provider="offline",
        model="offline-retrieval",
        prompt_version="answer@abc",
        channel_id=channel,
        message_ts=ts,
    )
    assert answer.id is not None
    return answer.id


def test_event_is_claimed_once(store: Store) -> None:
    assert store.claim_event("Ev1", "app_mention", {"text": "hi"})
    assert not store.claim_event("Ev1", "app_mention", {"text": "hi"})


def test_event_is_taken_by_exactly_one_worker(store: Store, clock: ManualClock) -> None:
    store.claim_event("Ev1", "app_mention", {})
    assert store.take_event("Ev1")
    assert not store.take_event("Ev1")
    clock.advance(timedelta(minutes=10))
    assert store.take_event("Ev1", stale_before=clock() - timedelta(minutes=5))
    event = store.get_event("Ev1")
    assert event is not None and event.attempts == 2


def test_unfinished_events_are_listed_until_finished(store: Store) -> None:
    store.claim_event("Ev1", "app_mention", {})
    store.claim_event("Ev2", "app_mention", {})
    store.finish_event("Ev1")
    assert [event.event_id for event in store.unfinished_events()] == ["Ev2"]


def test_answer_is_found_by_its_slack_message(store: Store) -> None:
    answer_id = _answer(store, "C9", "123.456")
    found = store.answer_by_message("C9", "123.456")
    assert found is not None and found.id == answer_id
    assert store.answer_by_message("C9", "999.999") is None


def test_one_vote_per_user_per_answer(store: Store) -> None:
    answer_id = _answer(store)
    first, changed = store.record_vote(
        answer_id=answer_id, user_id="U2", kind="up", source="button"
    )
    again, changed_again = store.record_vote(
        answer_id=answer_id, user_id="U2", kind="up", source="button"
    )
    flipped, flipped_changed = store.record_vote(
        answer_id=answer_id, user_id="U2", kind="down", source="reaction"
    )
    assert changed and not changed_again and flipped_changed
    assert first.id == again.id == flipped.id
    rows = store.feedback_for_answer(answer_id)
    assert [(row.kind, row.source) for row in rows] == [("down", "reaction")]


def test_reaction_retraction_only_removes_its_own_vote(store: Store) -> None:
    answer_id = _answer(store)
    store.record_vote(answer_id=answer_id, user_id="U2", kind="down", source="button")
    assert not store.retract_vote(answer_id=answer_id, user_id="U2", kind="down", source="reaction")
    store.record_vote(answer_id=answer_id, user_id="U3", kind="down", source="reaction")
    assert store.retract_vote(answer_id=answer_id, user_id="U3", kind="down", source="reaction")
    assert [row.user_id for row in store.feedback_for_answer(answer_id)] == ["U2"]


def test_submission_is_stored_once_per_key(store: Store) -> None:
    answer_id = _answer(store)

    def submit() -> tuple[int | None, bool]:
        row, created = store.add_submission(
            answer_id=answer_id,
            user_id="U3",
            kind="report",
            source="modal",
            dedupe_key="view:V1",
            reason="outdated",
        )
        return row.id, created

    first_id, created = submit()
    again_id, created_again = submit()
    assert created and not created_again and first_id == again_id
    assert len(store.feedback_for_answer(answer_id)) == 1


def test_thread_turns_come_oldest_first_without_errors(store: Store) -> None:
    for number, error in ((1, None), (2, "timeout"), (3, None)):
        question = store.add_question(
            text=f"q{number}", user_id="U1", channel_id="C1", thread_ts="1.0"
        )
        assert question.id is not None
        store.add_answer(
            question_id=question.id,
            text=f"a{number}",
            provider="offline",
            model="m",
            prompt_version="p",
            error=error,
        )
    assert store.thread_turns("C1", "1.0") == [("q1", "a1"), ("q3", "a3")]


def test_times_come_back_as_aware_utc(store: Store, clock: ManualClock) -> None:
    question = store.add_question(text="q", user_id="U1")
    assert question.id is not None
    loaded = store.get_question(question.id)
    assert loaded is not None and loaded.created_at == clock()
    assert loaded.created_at.tzinfo is not None


def test_upgrade_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version is not None
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
        timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()
    assert mode == "wal" and timeout == 30000
    engine.dispose()


def test_changed_vote_drops_the_old_votes_reason(store: Store) -> None:
    answer_id = _answer(store)
    store.record_vote(answer_id=answer_id, user_id="U2", kind="down", source="button")
    store.annotate_vote(
        answer_id=answer_id, user_id="U2", reason="outdated", source_link="https://x.io"
    )
    store.record_vote(answer_id=answer_id, user_id="U2", kind="up", source="button")
    [row] = store.feedback_for_answer(answer_id)
    assert (row.kind, row.reason, row.source_link) == ("up", None, None)
