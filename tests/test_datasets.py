"""Dataset shapes for Langfuse, LangSmith and Braintrust, built from `lastmile export` records."""

from __future__ import annotations

from typing import Any

import pytest

from bot.datasets import failures_with_corrections, to_dataset_rows
from bot.eval.cases import read_cases


def record(feedback_id: int, answer_id: int, kind: str, **fields: Any) -> dict[str, Any]:
    """An export record as bot.export writes it."""
    return {
        "feedback_id": feedback_id,
        "kind": kind,
        "reason": None,
        "text": None,
        "source_link": None,
        "answer_id": answer_id,
        "question": "How many vacation days do I get?",
        "answer": "Every employee gets 20 vacation days.",
        "channel": "C1",
        "prompt_version": "answer@1234abcd",
        "model": "claude-x",
        "provider": "anthropic",
        "theme_id": 3,
        "created_at": "2026-03-02T09:00:00+00:00",
    } | fields


RECORDS = [
    record(1, 10, "down", reason="outdated"),
    record(2, 10, "correction", text="25 days a year.", source_link="https://wiki/leave"),
    record(3, 11, "up"),
    record(4, 12, "report", reason="wrong_facts"),  # a report without text: nothing to expect
]


def test_only_answers_with_a_correction_become_items_with_the_first_reason() -> None:
    [failure] = failures_with_corrections(RECORDS)
    assert failure["answer_id"] == 10
    assert failure["text"] == "25 days a year."
    assert failure["reason"] == "outdated"


def test_langfuse_item_has_input_expected_output_and_metadata() -> None:
    [row] = to_dataset_rows(RECORDS, "langfuse")
    assert set(row) == {"id", "input", "expectedOutput", "metadata"}
    assert row["input"] == {"question": "How many vacation days do I get?"}
    assert row["expectedOutput"] == "25 days a year."
    meta = row["metadata"]
    assert (meta["reason"], meta["prompt_version"], meta["model"]) == (
        "outdated",
        "answer@1234abcd",
        "claude-x",
    )
    assert meta["source_link"] == "https://wiki/leave"
    assert meta["sources"] == []


def test_langsmith_example_has_inputs_outputs_and_metadata() -> None:
    [row] = to_dataset_rows(RECORDS, "langsmith")
    assert set(row) == {"inputs", "outputs", "metadata"}
    assert row["inputs"] == {"question": "How many vacation days do I get?"}
    assert row["outputs"] == {"answer": "25 days a year."}
    assert row["metadata"]["reason"] == "outdated"


def test_braintrust_record_has_input_expected_and_metadata() -> None:
    [row] = to_dataset_rows(RECORDS, "braintrust")
    assert set(row) == {"id", "input", "expected", "metadata"}
    assert row["expected"] == "25 days a year."
    assert row["metadata"]["model"] == "claude-x"


def test_sources_are_carried_when_the_export_has_them() -> None:
    sources = [{"title": "Leave", "path": "hr/leave.md", "url": None}]
    rows = to_dataset_rows([r | {"sources": sources} for r in RECORDS], "braintrust")
    assert rows[0]["metadata"]["sources"] == sources


@pytest.mark.parametrize("kind", ["langfuse", "langsmith", "braintrust"])
def test_every_shape_reads_back_as_the_same_eval_case(kind: str) -> None:
    [case] = read_cases(to_dataset_rows(RECORDS, kind))
    assert case.question == "How many vacation days do I get?"
    assert case.expected == "25 days a year."
    assert (case.reason, case.theme, case.prompt_version) == ("outdated", "3", "answer@1234abcd")


def test_plain_export_records_read_as_one_case_per_corrected_answer() -> None:
    [case] = read_cases(RECORDS)
    assert case.expected == "25 days a year."
    assert case.key == "lastmile-answer-10"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="langfuse"):
        to_dataset_rows(RECORDS, "csv")
