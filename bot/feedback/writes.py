"""A feedback write (what to store, addressed by its Slack message) and how it is applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.vocabulary import REPORT_REASONS
from storage import Store
from storage.models import Answer, Feedback

if TYPE_CHECKING:
    from bot.digest.fix_watch import Reopened

OPS = ("vote", "retract", "submission", "annotate")
KINDS = ("up", "down", "correction", "report")
SOURCES = ("button", "modal", "shortcut", "reaction", "handoff")
TEXT_MAX = 3000
"""A correction or report text; the column has no limit, the modal allows this much."""


@dataclass(frozen=True)
class FeedbackWrite:
    """One change to store, addressed by the Slack message it concerns."""

    op: str  # one of OPS
    channel_id: str
    message_ts: str
    user_id: str
    kind: str
    source: str
    dedupe_key: str = ""
    reason: str | None = None
    text: str | None = None
    source_link: str | None = None


@dataclass(frozen=True)
class WriteResult:
    """`stored`, `unchanged`, `not_an_answer`, `pending` (spooled until the database is back),
    `refused` (the database would refuse it) or `failed` (neither stored nor spooled)."""

    status: str
    answer: Answer | None = None
    feedback: Feedback | None = None
    reopened: Reopened | None = None  # a fixed theme this flag reopened: its owner is told


def column_limit(name: str) -> int | None:
    """The length the `feedback` column allows (PostgreSQL enforces it), None for unlimited."""
    length = getattr(Feedback.__table__.columns[name].type, "length", None)  # type: ignore[attr-defined]
    return int(length) if length is not None else None


def write_problem(write: FeedbackWrite) -> str | None:
    """Why the database would refuse `write` (or it is not ours to store), else None.

    Checked before a click is acknowledged: a value the column cannot hold must fail here,
    where the person can be told, not after the ack where it would be lost.
    """
    if write.op not in OPS or write.kind not in KINDS or write.source not in SOURCES:
        return f"unknown feedback ({write.op}, {write.kind}, {write.source})"
    if write.reason is not None and write.reason not in REPORT_REASONS:
        return "the reason is not one of ours"
    if write.text is not None and len(write.text) > TEXT_MAX:
        return f"the text is longer than {TEXT_MAX} characters"
    # A user id that fits also fits the vote key `vote:<answer id>:<user>` (255).
    for column, value in (
        ("user_id", write.user_id),
        ("dedupe_key", write.dedupe_key),
        ("source_link", write.source_link or ""),
    ):
        limit = column_limit(column)
        if limit is not None and len(value) > limit:
            return f"the {column.replace('_', ' ')} is longer than {limit} characters"
    return None


def apply_to_answer(store: Store, answer: Answer, write: FeedbackWrite) -> WriteResult:
    """Run one write against a verified answer."""
    assert answer.id is not None
    answer_id, user_id = answer.id, write.user_id
    if write.op == "vote":
        row, changed = store.record_vote(
            answer_id=answer_id, user_id=user_id, kind=write.kind, source=write.source
        )
        return WriteResult("stored" if changed else "unchanged", answer, row)
    if write.op == "retract":
        gone = store.retract_vote(
            answer_id=answer_id, user_id=user_id, kind=write.kind, source=write.source
        )
        return WriteResult("stored" if gone else "unchanged", answer)
    if write.op == "annotate":
        noted = store.annotate_vote(
            answer_id=answer_id, user_id=user_id, reason=write.reason, source_link=write.source_link
        )
        return WriteResult("stored" if noted else "unchanged", answer, noted)
    row, created = store.add_submission(
        answer_id=answer_id,
        user_id=user_id,
        kind=write.kind,
        source=write.source,
        dedupe_key=write.dedupe_key,
        reason=write.reason,
        text=write.text,
        source_link=write.source_link,
    )
    return WriteResult("stored" if created else "unchanged", answer, row)
