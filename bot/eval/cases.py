"""Reading eval datasets: Langfuse, LangSmith or Braintrust rows, or `lastmile export` JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.datasets import failures_with_corrections

Row = dict[str, Any]


class DatasetError(ValueError):
    """A line of the dataset cannot be read; the message names the line."""


@dataclass(frozen=True)
class EvalCase:
    """One question with the answer it should get, and where the failure came from."""

    key: str
    question: str
    expected: str
    reason: str | None = None
    theme: str = ""
    prompt_version: str = ""
    model: str = ""


def _text(value: Any, *names: str) -> str:
    """A string field, or the first of `names` inside a dict field."""
    if isinstance(value, dict):
        for name in names:
            if isinstance(value.get(name), str):
                return str(value[name])
        return ""
    return "" if value is None else str(value)


def _case(row: Row, question: Any, expected: Any) -> EvalCase:
    meta = row.get("metadata") or {}
    text = _text(question, "question", "input", "query")
    key = str(row.get("id") or meta.get("answer_id") or text)
    return EvalCase(
        key=key,
        question=text,
        expected=_text(expected, "answer", "output", "expected"),
        reason=meta.get("reason"),
        theme=str(meta.get("theme") or meta.get("theme_id") or ""),
        prompt_version=str(meta.get("prompt_version") or ""),
        model=str(meta.get("model") or ""),
    )


def case_from_row(row: Row) -> EvalCase | None:
    """A dataset row in any supported shape; None for an export record (grouped separately)."""
    if "inputs" in row:
        return _case(row, row["inputs"], row.get("outputs"))
    if "expectedOutput" in row:
        return _case(row, row.get("input"), row["expectedOutput"])
    if "expected" in row:
        return _case(row, row.get("input"), row["expected"])
    if "kind" in row and "question" in row:
        return None
    raise DatasetError("not a Langfuse, LangSmith, Braintrust or lastmile export row")


def read_cases(rows: Iterable[Row]) -> list[EvalCase]:
    """Cases from rows of any supported shape; export records become one case per answer."""
    cases: list[EvalCase] = []
    exported: list[Row] = []
    for row in rows:
        case = case_from_row(row)
        if case is None:
            exported.append(row)
        elif case.question and case.expected:
            cases.append(case)
    for failure in failures_with_corrections(exported):
        keys = ("reason", "theme", "theme_id", "prompt_version", "model")
        meta = {key: failure.get(key) for key in keys}
        row = {"id": f"lastmile-answer-{failure.get('answer_id')}", "metadata": meta}
        cases.append(_case(row, failure.get("question"), failure.get("text")))
    return cases


def load_cases(path: Path) -> list[EvalCase]:
    """Read a JSONL dataset file; DatasetError names the first bad line."""
    rows: list[Row] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise DatasetError("a line must be a JSON object")
                case_from_row(row)
            except (json.JSONDecodeError, DatasetError) as error:
                raise DatasetError(f"{path}:{number}: {error}") from error
            rows.append(row)
    return read_cases(rows)
