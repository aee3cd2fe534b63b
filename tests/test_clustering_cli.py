"""`lastmile cluster` through click's runner on real temporary files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli.cluster import cluster_command

QUESTIONS = [
    "how do I reset my password",
    "reset password link expired",
    "password reset email never came",
    "vpn disconnects every hour",
    "vpn keeps dropping on wifi",
    "vpn connection drops at home",
]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_rows_come_back_with_theme_columns(tmp_path: Path) -> None:
    source, out = tmp_path / "failures.csv", tmp_path / "themes.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "question"])
        writer.writerows([[str(i), q] for i, q in enumerate(QUESTIONS)])
    result = CliRunner().invoke(
        cluster_command, [str(source), "--text-column", "question", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = _read_csv(out)
    assert list(rows[0]) == ["id", "question", "theme_id", "theme_label"]
    assert [row["id"] for row in rows] == [str(i) for i in range(len(QUESTIONS))]
    assert len({row["theme_id"] for row in rows[:3]}) == 1
    assert rows[0]["theme_id"] != rows[3]["theme_id"]
    assert "password" in rows[0]["theme_label"]


def test_jsonl_records_are_flattened_and_labelled(tmp_path: Path) -> None:
    source, out = tmp_path / "failures.jsonl", tmp_path / "themes.csv"
    lines = [json.dumps({"text": q, "meta": {"n": i}}) for i, q in enumerate(QUESTIONS)]
    source.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    result = CliRunner().invoke(cluster_command, [str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = _read_csv(out)
    assert len(rows) == len(QUESTIONS)
    assert json.loads(rows[1]["meta"]) == {"n": 1}
    assert rows[0]["theme_id"] == rows[2]["theme_id"]


def test_missing_column_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "failures.csv"
    source.write_text("question\nhello\n", encoding="utf-8")
    result = CliRunner().invoke(cluster_command, [str(source), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "no column 'text'" in result.output


def test_bad_extension_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "failures.txt"
    source.write_text("text\nhello\n", encoding="utf-8")
    result = CliRunner().invoke(cluster_command, [str(source), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "expected a .csv or .jsonl file" in result.output


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "failures.csv"
    source.write_bytes(b"text\n\xff\xfe\xfa broken\n")
    missing = CliRunner().invoke(cluster_command, [str(tmp_path / "nope.csv"), "-o", "o.csv"])
    broken = CliRunner().invoke(cluster_command, [str(source), "-o", str(tmp_path / "o.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert broken.exit_code == 2 and "cannot read failures.csv" in broken.output


def test_invalid_jsonl_line_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "failures.jsonl"
    source.write_text('{"text": "ok"}\n[1, 2]\n', encoding="utf-8")
    result = CliRunner().invoke(cluster_command, [str(source), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "line 2 is not a JSON object" in result.output


def test_help_documents_every_option() -> None:
    result = CliRunner().invoke(cluster_command, ["--help"])
    assert result.exit_code == 0
    for option in ("--text-column", "--output", "--embedder", "--seed", "theme_label"):
        assert option in result.output
