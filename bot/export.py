"""Feedback as records: one flat dict per feedback row, for `lastmile export` and eval datasets."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, TextIO

from bot.owners import route_owner
from storage import Store
from storage.models import Answer, Feedback, Owner, Question

FIELDS = (
    "feedback_id",
    "kind",
    "reason",
    "text",
    "source_link",
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
    "provider",
    "confidence",
    "sources",
    "theme_id",
    "theme",
)
FORMATS = ("jsonl", "csv")

Record = dict[str, Any]


def feedback_record(
    feedback: Feedback, answer: Answer, question: Question, theme: str | None = None
) -> Record:
    """One feedback row with its answer and question (and its theme's label), JSON-ready."""
    return {
        "feedback_id": feedback.id,
        "kind": feedback.kind,
        "reason": feedback.reason,
        "text": feedback.text,
        "source_link": feedback.source_link,
        "user_id": feedback.user_id,
        "source": feedback.source,
        "created_at": feedback.created_at.isoformat(),
        "answer_id": answer.id,
        "question": question.text,
        "answer": answer.text,
        "channel": answer.channel_id,
        "message_ts": answer.message_ts,
        "prompt_version": answer.prompt_version,
        "model": answer.model,
        "provider": answer.provider,
        "confidence": answer.confidence,
        "sources": list(answer.sources),
        "theme_id": feedback.theme_id,
        "theme": theme,
    }


def export_records(
    store: Store,
    *,
    since: datetime | None = None,
    kind: str | None = None,
    owner: Owner | None = None,
) -> Iterator[Record]:
    """Records oldest first; with `owner`, only feedback in its themes or routed to it."""
    rows = store.export_rows(since=since, kind=kind)
    themes = store.themes_by_id({f.theme_id for f, _, _ in rows if f.theme_id is not None})
    for feedback, answer, question in rows:
        if owner is not None and not _owned_by(store, owner, feedback, answer, question, themes):
            continue
        theme = themes.get(feedback.theme_id) if feedback.theme_id is not None else None
        yield feedback_record(feedback, answer, question, theme.label if theme else None)


def _owned_by(
    store: Store,
    owner: Owner,
    feedback: Feedback,
    answer: Answer,
    question: Question,
    themes: dict[int, Any],
) -> bool:
    theme = themes.get(feedback.theme_id) if feedback.theme_id is not None else None
    if theme is not None and theme.owner_id is not None:
        return bool(theme.owner_id == owner.id)
    routed = route_owner(store, answer.channel_id, question.text)
    return routed is not None and routed.id == owner.id


def write_records(records: Iterable[Record], out: TextIO, fmt: str) -> int:
    """Write records as JSON lines or CSV (with a header); returns how many were written."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({key: _cell(value) for key, value in record.items()})
            count += 1
        return count
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _cell(value: Any) -> Any:
    """CSV cells: lists (sources) as JSON, None as empty."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value
