"""Eval datasets: failures with corrections, in the shapes Langfuse, LangSmith, Braintrust import.

Input is `bot.export` records (one per feedback row). Each answer with a correction becomes one
item: the question as input, the correction as expected output, and the failure's reason, the
answer's sources, prompt version and model as metadata.

- Langfuse dataset item: `{"id", "input", "expectedOutput", "metadata"}`
- LangSmith example:     `{"inputs", "outputs", "metadata"}`
- Braintrust record:     `{"id", "input", "expected", "metadata"}`
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DATASET_KINDS = ("langfuse", "langsmith", "braintrust")
CORRECTING = ("correction", "report")
"""Feedback kinds whose text is a proposed right answer."""

Record = dict[str, Any]


def failures_with_corrections(records: Iterable[Record]) -> list[Record]:
    """One flat record per corrected answer: the latest correction, the first stated reason."""
    by_answer: dict[Any, list[Record]] = {}
    for record in records:
        by_answer.setdefault(record.get("answer_id"), []).append(record)
    failures = []
    for answer_id, rows in by_answer.items():
        fixes = [
            r for r in rows if r.get("kind") in CORRECTING and str(r.get("text") or "").strip()
        ]
        if not fixes:
            continue
        # A correction made with the "Correct it" form wins over text typed into a report.
        fix = sorted(
            fixes, key=lambda r: (r.get("kind") == "correction", r.get("feedback_id") or 0)
        )
        chosen = fix[-1]
        reasons = [r.get("reason") for r in rows if r.get("reason")]
        failures.append(
            chosen
            | {"answer_id": answer_id, "reason": chosen.get("reason") or next(iter(reasons), None)}
        )
    return failures


def item_metadata(failure: Record) -> Record:
    """What each tool keeps next to the item: why it failed and what produced the answer."""
    return {
        "reason": failure.get("reason"),
        "sources": failure.get("sources") or [],
        "source_link": failure.get("source_link"),
        "prompt_version": failure.get("prompt_version"),
        "model": failure.get("model"),
        "provider": failure.get("provider"),
        "bad_answer": failure.get("answer"),
        "answer_id": failure.get("answer_id"),
        "feedback_id": failure.get("feedback_id"),
        "theme_id": failure.get("theme_id"),
        "theme": failure.get("theme"),
        "channel": failure.get("channel"),
        "created_at": failure.get("created_at"),
    }


def to_dataset_rows(records: Iterable[Record], kind: str) -> list[Record]:
    """Export records as dataset rows for `kind` (langfuse, langsmith or braintrust)."""
    if kind not in DATASET_KINDS:
        raise ValueError(f"unknown dataset kind {kind!r}; use one of {', '.join(DATASET_KINDS)}")
    rows = []
    for failure in failures_with_corrections(records):
        question = {"question": failure.get("question") or ""}
        expected = str(failure.get("text") or "").strip()
        metadata = item_metadata(failure)
        item_id = f"lastmile-answer-{failure.get('answer_id')}"
        if kind == "langfuse":
            row = {"id": item_id, "input": question, "expectedOutput": expected}
        elif kind == "langsmith":
            row = {"inputs": question, "outputs": {"answer": expected}}
        else:
            row = {"id": item_id, "input": question, "expected": expected}
        rows.append(row | {"metadata": metadata})
    return rows
