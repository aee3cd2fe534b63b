"""`lastmile eval`: replay, score, results file, and exit 1 only on a regression."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import cli
from bot.eval.scoring import score_answer

QUESTION = "How many vacation days do I get per year?"
CORRECTION = "Full-time employees get 25 days of paid annual leave a year."


def write_knowledge(folder: Path, days: int) -> Path:
    """A one-page knowledge folder stating `days` of annual leave."""
    folder.mkdir(exist_ok=True)
    page = f"# Leave policy\n\n## Vacation days\n\nFull-time employees get {days} days of paid "
    page += "annual leave a year (vacation days).\n"
    (folder / "leave.md").write_text(page, encoding="utf-8")
    return folder


def write_dataset(path: Path) -> Path:
    """A Braintrust-shaped dataset with one corrected question."""
    row = {
        "id": "case-1",
        "input": {"question": QUESTION},
        "expected": CORRECTION,
        "metadata": {"reason": "outdated", "theme_id": 7, "prompt_version": "answer@old"},
    }
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def run_eval(database_url: str, knowledge: Path, *args: str) -> Result:
    env = {"DATABASE_URL": database_url, "LASTMILE_KNOWLEDGE_DIR": str(knowledge)}
    env |= {"LASTMILE_PROVIDER": "offline", "LASTMILE_LOG_LEVEL": "ERROR"}
    return CliRunner().invoke(cli, ["eval", *args], env=env)


def test_scoring_needs_the_corrections_numbers() -> None:
    assert score_answer("Employees get 25 days of paid annual leave a year.", CORRECTION)[1]
    assert not score_answer("Employees get 20 days of paid annual leave a year.", CORRECTION)[1]


def test_fixed_question_exits_zero_and_writes_results(tmp_path: Path, database_url: str) -> None:
    knowledge = write_knowledge(tmp_path / "kb", 25)
    dataset = write_dataset(tmp_path / "dataset.jsonl")
    results = tmp_path / "results.json"
    outcome = run_eval(database_url, knowledge, str(dataset), "--output", str(results))
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(results.read_text())
    assert data["summary"] == {"cases": 1, "fixed": 1}
    assert data["results"][0]["key"] == "case-1"
    assert "1 fixed, 0 still failing" in outcome.output


def test_regression_against_the_baseline_exits_one(tmp_path: Path, database_url: str) -> None:
    dataset = write_dataset(tmp_path / "dataset.jsonl")
    baseline = tmp_path / "baseline.json"
    good = write_knowledge(tmp_path / "good", 25)
    assert run_eval(database_url, good, str(dataset), "--output", str(baseline)).exit_code == 0
    bad = write_knowledge(tmp_path / "bad", 20)
    now = tmp_path / "now.json"
    outcome = run_eval(
        database_url, bad, str(dataset), "--baseline", str(baseline), "--output", str(now)
    )
    assert outcome.exit_code == 1, outcome.output
    assert "Regression" in outcome.output
    assert json.loads(now.read_text())["summary"]["fixed"] == 0


def test_still_failing_without_a_baseline_is_not_an_error(
    tmp_path: Path, database_url: str
) -> None:
    dataset = write_dataset(tmp_path / "dataset.jsonl")
    bad = write_knowledge(tmp_path / "bad", 20)
    outcome = run_eval(database_url, bad, str(dataset), "--output", str(tmp_path / "r.json"))
    assert outcome.exit_code == 0, outcome.output
    assert "0 fixed, 1 still failing" in outcome.output


def test_a_bad_dataset_line_exits_two_naming_the_line(tmp_path: Path, database_url: str) -> None:
    dataset = tmp_path / "broken.jsonl"
    dataset.write_text('{"question": "no shape"}\n', encoding="utf-8")
    outcome = run_eval(database_url, write_knowledge(tmp_path / "kb", 25), str(dataset))
    assert outcome.exit_code == 2
    assert "broken.jsonl:1" in outcome.output
