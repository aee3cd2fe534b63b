"""A feedback write (what to store, addressed by its Slack message) and how it is applied."""

from __future__ import annotations

from dataclasses import dataclass

from storage import Store
from storage.models import Answer, Feedback

OPS = ("vote", "retract", "submission", "annotate")


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
    """`stored`, `unchanged`, `not_an_answer` or `pending` (queued until the database is back)."""

    status: str
    answer: Answer | None = None
    feedback: Feedback | None = None


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
