"""`lastmile export`: one record per feedback row, JSONL or CSV, filtered, on both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import cli
from bot.clock import ManualClock
from bot.export import FIELDS, export_records
from storage import Store
from storage.models import Feedback, Owner, Theme

REQUIRED = {
    "feedback_id",
    "kind",
    "reason",
    "text",
    "user_id",
    "source",
    "created_at",
    "answer_id",
    "question",
    "answer",
    "channel",
    "message_ts",
    "prompt_version",
    "model",
}


def _seed(store: Store, clock: ManualClock) -> None:
    question = store.add_question(text="Leave days?", user_id="U9", channel_id="C111")
    assert question.id is not None
    answer = store.add_answer(
        question_id=question.id,
        text="25.",
        provider="offline",
        model="m1",
        prompt_version="p7",
        channel_id="C111",
        message_ts="1700.1",
        sources=[{"title": "Leave policy", "path": "hr/leave.md", "url": None}],
    )
    assert answer.id is not None
    store.record_vote(answer_id=answer.id, user_id="U1", kind="down", source="button")
    clock.advance(timedelta(days=3))
    store.add_submission(
        answer_id=answer.id,
        user_id="U2",
        kind="correction",
        source="modal",
        dedupe_key="correction:V1",
        text="30, since 2026",
    )


def test_records_carry_every_field(store: Store, clock: ManualClock) -> None:
    _seed(store, clock)
    down, correction = export_records(store)
    assert REQUIRED <= set(down) and set(FIELDS) == set(down)
    assert (down["kind"], down["question"], down["answer"]) == ("down", "Leave days?", "25.")
    assert (down["prompt_version"], down["model"], down["channel"]) == ("p7", "m1", "C111")
    assert correction["text"] == "30, since 2026"
    assert down["sources"] == [{"title": "Leave policy", "path": "hr/leave.md", "url": None}]


def test_filters_by_kind_date_and_owner(store: Store, clock: ManualClock) -> None:
    _seed(store, clock)
    assert [r["kind"] for r in export_records(store, kind="correction")] == ["correction"]
    assert [r["kind"] for r in export_records(store, since=clock() - timedelta(days=1))] == [
        "correction"
    ]
    with store.session() as session:
        mine = Owner(name="People", slack_id="U0P", channels=["C111"], created_at=store.now())
        other = Owner(name="IT", slack_id="U0I", channels=["C222"], created_at=store.now())
        session.add_all([mine, other])
    assert len(list(export_records(store, owner=mine))) == 2
    assert list(export_records(store, owner=other)) == []


def test_cli_writes_jsonl_to_stdout_and_csv_to_a_file(
    store: Store,
    clock: ManualClock,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _seed(store, clock)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--kind", "down"])
    assert result.exit_code == 0, result.output
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    assert json.loads(line)["kind"] == "down"
    out = tmp_path / "feedback.csv"
    result = runner.invoke(
        cli, ["export", "--format", "csv", "--output", str(out), "--owner", "nobody"]
    )
    assert result.exit_code == 2 and "no owner" in result.output
    result = runner.invoke(
        cli, ["export", "--format", "csv", "--output", str(out), "--since", "2026-11-18"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["kind"] for r in rows] == ["correction"] and rows[0]["text"] == "30, since 2026"
    assert json.loads(rows[0]["sources"])[0]["path"] == "hr/leave.md"


def test_records_name_their_theme(store: Store, clock: ManualClock) -> None:
    _seed(store, clock)
    with store.session() as session:
        theme = Theme(label="leave days", first_seen=clock(), last_seen=clock())
        session.add(theme)
        session.flush()
        for row in session.exec(select(Feedback)).all():
            row.theme_id = theme.id
            session.add(row)
    records = list(export_records(store))
    assert [record["theme"] for record in records] == ["leave days", "leave days"]
