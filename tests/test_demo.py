"""`lastmile demo` end to end in a temporary folder, through the real handlers over signed HTTP."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlmodel import Session, select

from bot.cli import cli
from bot.demo.output import written
from bot.demo.report import measure, verified_rate
from bot.demo.run import DemoRun, run_demo
from storage import Store, make_engine
from storage.models import DigestRun


def run_small(directory: Path) -> DemoRun:
    """A smaller run (the test's runtime stays short); the same code path as `make demo`."""
    return run_demo(directory, questions=60, seed=7, step=lambda label: None)


def test_demo_runs_both_weeks_and_the_fixes_show(tmp_path: Path) -> None:
    run = run_small(tmp_path / "demo")
    engine = make_engine(f"sqlite:///{run.database}")
    try:
        with Session(engine) as session:
            runs = session.exec(select(DigestRun)).all()
        rates = measure(run, Store(engine))
    finally:
        engine.dispose()
    periods = sorted({(r.owner_id, r.period) for r in runs})
    assert len(periods) == len(runs) == 6  # three owners, two weeks, each digest posted once
    assert all(r.status == "posted" for r in runs)
    assert len(run.digests1) == len(run.digests2) == 3
    assert run.actions.approved and set(run.actions.approved) <= {"vacation-days", "parental-leave"}
    assert run.actions.fixed_themes
    week1, week2 = rates["fixed themes"]
    assert week1.answers and week2.answers
    assert week2.down_rate < week1.down_rate
    assert run.told > 0
    assert run.told_while_failing == 0  # nobody hears "fixed" while their question still fails
    assert run.near_miss_wrong == 0  # no verified answer for a question on another subject
    served, approved = verified_rate(run)
    assert approved and served / approved >= 0.9


def test_demo_command_prints_both_digests_and_writes_the_files(tmp_path: Path) -> None:
    directory = tmp_path / "out"
    args = ["demo", "--dir", str(directory), "--questions", "40"]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 0, outcome.output
    assert "Week 1: the digests posted on Monday" in outcome.output
    assert "Week 2: the digests posted the Monday after" in outcome.output
    assert "Thumbs-down rate on the fixed themes" in outcome.output
    for path in [*sorted(directory.glob("digest-*.md")), directory / "thumbs-down.png"]:
        assert path.is_file() and path.stat().st_size > 0
        assert path.name in outcome.output.replace("\n", "")
    assert (directory / "thumbs-down.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list(directory.glob("digest-*.md"))) == 2


def test_written_lists_the_markdown_and_chart(tmp_path: Path) -> None:
    run = run_small(tmp_path / "demo")
    names = [path.name for path in written(run)]
    assert names == ["digest-2026-W10.md", "digest-2026-W11.md", "thumbs-down.png"]
