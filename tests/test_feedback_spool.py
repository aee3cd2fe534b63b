"""The feedback spool: a write the database can't take is a file before `record` returns,
replayed in order by the next recorder, and stored once even after a crash mid-replay.

An outage is real: a Store on a SQLite file in a directory that does not exist fails to
connect (OperationalError, as a down server does); a hung database is a socket that accepts
and never answers, as a stuck PostgreSQL looks to psycopg.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.feedback import FeedbackRecorder, FeedbackWrite
from bot.feedback.spool import Spool, default_spool_dir
from storage import Store, make_engine
from storage.models import Answer

CHANNEL, TS = "C111", "1700001000.000001"


@pytest.fixture
def answer(store: Store) -> Answer:
    """One of our answers, to vote on."""
    q = store.add_question(text="How many leave days?", user_id="U9", channel_id=CHANNEL)
    assert q.id is not None
    return store.add_answer(
        question_id=q.id, text="25 days.", provider="offline", model="m", prompt_version="p",
        channel_id=CHANNEL, message_ts=TS, thread_ts=TS,
    )  # fmt: skip


@pytest.fixture
def down(tmp_path: Path, clock: ManualClock) -> Iterator[Store]:
    """A Store whose database can't be reached: every query raises OperationalError."""
    engine = make_engine(f"sqlite:///{tmp_path / 'gone' / 'lastmile.db'}")
    yield Store(engine, clock=clock)
    engine.dispose()


def vote(kind: str = "down", user: str = "U222") -> FeedbackWrite:
    """A thumbs click on the answer, as the button handler builds it."""
    return FeedbackWrite("vote", CHANNEL, TS, user, kind, "button")


def recorder(store: Store, directory: Path, attempt_timeout_s: float = 1.0) -> FeedbackRecorder:
    """A recorder that drains only when told (`flush_pending`)."""
    spool = Spool(directory)
    return FeedbackRecorder(store, spool, auto_drain=False, attempt_timeout_s=attempt_timeout_s)


def spooled(directory: Path) -> list[Path]:
    """The spool's files, in replay order."""
    return sorted(directory.glob("*.json"))


def test_a_write_the_database_cannot_take_is_a_file_before_record_returns(
    down: Store, tmp_path: Path
) -> None:
    directory = tmp_path / "spool"
    assert recorder(down, directory).record(vote()).status == "pending"
    [path] = spooled(directory)
    body = json.loads(path.read_text())
    assert body["write"] == {
        "op": "vote", "channel_id": CHANNEL, "message_ts": TS, "user_id": "U222", "kind": "down",
        "source": "button", "dedupe_key": "", "reason": None, "text": None, "source_link": None,
    }  # fmt: skip
    assert path.name.startswith(f"{body['seq']:012d}-{body['id']}")
    assert list(directory.glob(".tmp-*")) == []  # renamed into place, nothing half-written
    assert oct(directory.stat().st_mode & 0o777) == "0o700"  # user ids and corrections inside


def test_a_new_recorder_replays_what_a_killed_one_left_in_order(
    store: Store, down: Store, answer: Answer, tmp_path: Path
) -> None:
    directory = tmp_path / "spool"
    killed = recorder(down, directory)
    assert killed.record(vote("up")).status == "pending"
    reason = FeedbackWrite("annotate", CHANNEL, TS, "U222", "down", "modal", reason="outdated")
    for write in (vote("down"), reason):  # spooled behind the first, never before it
        assert killed.record(write).status == "pending"
    del killed  # what kill -9 leaves: three files, nothing in the database
    restarted = recorder(store, directory)
    assert restarted.pending == 3
    assert restarted.flush_pending() == 3
    [row] = store.feedback_for_answer(answer.id or 0)
    assert (row.kind, row.reason) == ("down", "outdated")  # up, then down, then its reason
    assert spooled(directory) == [] and restarted.pending == 0


class Crash(BaseException):
    """What kill -9 does to a replay: nothing after this line runs."""


def test_a_crash_between_applying_a_file_and_deleting_it_stores_the_write_once(
    store: Store, down: Store, answer: Answer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "spool"
    correction = FeedbackWrite(
        "submission", CHANNEL, TS, "U222", "correction", "modal",
        dedupe_key="correction:V1", text="30 days since 2026.",
    )  # fmt: skip
    first = recorder(down, directory)
    assert [first.record(w).status for w in (vote(), correction)] == ["pending", "pending"]

    def crash(self: Spool, entry: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(Spool, "remove", crash)
        with pytest.raises(Crash):
            recorder(store, directory).flush_pending()  # the vote is stored, its file stays
    assert len(spooled(directory)) == 2 and len(store.feedback_for_answer(answer.id or 0)) == 1
    assert recorder(store, directory).flush_pending() == 2
    rows = store.feedback_for_answer(answer.id or 0)
    assert sorted((r.kind, r.dedupe_key) for r in rows) == [
        ("correction", "correction:V1"),
        ("down", f"vote:{answer.id}:U222"),
    ]
    assert spooled(directory) == []


def test_a_file_that_can_never_be_stored_is_set_aside_and_the_rest_replayed(
    store: Store, down: Store, answer: Answer, tmp_path: Path
) -> None:
    directory = tmp_path / "spool"
    first = recorder(down, directory)
    first.record(vote("down", user="U1"))
    first.record(vote("up", user="U2"))
    [forged, _] = spooled(directory)
    body = json.loads(forged.read_text())
    body["write"]["reason"] = "<!channel> " + "x" * 40  # longer than the column, not ours
    forged.write_text(json.dumps(body))
    (directory / "000000000099-torn.json").write_text("{not json")
    replay = recorder(store, directory)
    assert replay.flush_pending() == 1
    assert [(f.user_id, f.kind) for f in store.feedback_for_answer(answer.id or 0)] == [
        ("U2", "up")
    ]
    assert sorted(p.name for p in directory.glob("*.failed")) == sorted(
        [forged.name + ".failed", "000000000099-torn.json.failed"]
    )


def test_a_database_that_never_answers_is_given_up_on_within_the_deadline(
    store: Store, answer: Answer, tmp_path: Path, clock: ManualClock
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never speaks
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql://lastmile@127.0.0.1:{port}/lastmile")
        hung = recorder(Store(engine, clock=clock), tmp_path / "spool", attempt_timeout_s=0.3)
        started = time.monotonic()
        assert hung.record(vote()).status == "pending"
        took = time.monotonic() - started
        assert 0.3 <= took < 1.0, took
        assert hung.record(vote("up", user="U3")).status == "pending"  # no second wait
        assert time.monotonic() - started < took + 0.2
    hung.store = store  # the database is back
    assert hung.flush_pending() == 2
    assert len(store.feedback_for_answer(answer.id or 0)) == 2
    engine.dispose()


def test_an_attempt_that_answers_after_the_deadline_stores_nothing_itself(
    store: Store, answer: Answer, tmp_path: Path
) -> None:
    gate, looking = threading.Event(), threading.Event()
    real = store.answer_by_message

    def slow(channel_id: str, message_ts: str) -> Answer | None:
        looking.set()
        gate.wait(10)
        return real(channel_id, message_ts)

    late: list[str] = []
    slow_recorder = recorder(store, tmp_path / "spool", attempt_timeout_s=0.05)
    slow_recorder.on_late_store = lambda write, result: late.append(result.status)
    store.answer_by_message = slow  # type: ignore[method-assign]
    assert slow_recorder.record(vote()).status == "pending"
    assert looking.is_set()
    store.answer_by_message = real  # type: ignore[method-assign]
    gate.set()  # the late attempt sees it was given up and leaves the write to the spool
    assert slow_recorder.flush_pending() == 1
    assert [f.kind for f in store.feedback_for_answer(answer.id or 0)] == ["down"]
    assert late == ["stored"]  # confirmed once, by the replay


def test_a_running_recorder_replays_by_itself_once_the_database_is_back(
    store: Store, down: Store, answer: Answer, tmp_path: Path
) -> None:
    replayed = threading.Event()
    live = FeedbackRecorder(down, Spool(tmp_path / "spool"), base_delay_s=0.05)
    live.on_late_store = lambda write, result: replayed.set()  # after its file is deleted
    try:
        assert live.record(vote()).status == "pending"
        live.store = store  # the database is back; nobody calls flush_pending
        assert replayed.wait(10)
        assert [f.kind for f in store.feedback_for_answer(answer.id or 0)] == ["down"]
        assert spooled(tmp_path / "spool") == []
    finally:
        live.close()


def test_the_default_spool_sits_beside_a_sqlite_file_else_in_the_working_directory(
    tmp_path: Path,
) -> None:
    assert default_spool_dir(f"sqlite:///{tmp_path}/data/x.db") == tmp_path / "data/x.db-spool"
    assert default_spool_dir("sqlite:///x.db", cwd=tmp_path) == tmp_path / "x.db-spool"
    postgres = make_url("postgresql+psycopg://u:secret@db:5432/lastmile")
    assert default_spool_dir(postgres, cwd=tmp_path) == tmp_path / ".lastmile-spool"
    assert default_spool_dir("sqlite://", cwd=tmp_path) == tmp_path / ".lastmile-spool"
