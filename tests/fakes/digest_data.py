"""Seeding questions, answers and feedback at chosen times, for digest tests and the bench."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.owners import OwnerSpec, load_owners_file, sync_owners
from storage import Store
from storage.models import Owner

_ts = itertools.count(1)

W45 = datetime(2026, 11, 3, 10, tzinfo=UTC)  # a Tuesday in ISO week 2026-W45
W46 = W45 + timedelta(days=7)
# Four wordings of one question: the digest and labeling tests expect them to form one theme.
VACATION = [
    "How many vacation days do I get per year?",
    "How many vacation days are left for me this year?",
    "Can I carry over unused vacation days?",
    "vacation days policy for new hires",
]

OWNERS_TOML = """
[[owner]]
name = "People team"
slack = "U0OWNER1"
channels = ["C0PEOPLE"]
topics = ["vacation", "payroll"]
members = ["U0OWNER2"]

[[owner]]
name = "AI platform"
slack = "C0PLATFORM"
members = ["U0PLATFORM"]  # a channel owner needs people who may press its buttons
default = true
"""


def install_owners(store: Store, tmp_path: Path, text: str = OWNERS_TOML) -> dict[str, Owner]:
    """Write an owners file, sync it, return owners by name."""
    path = tmp_path / "owners.toml"
    path.write_text(text, encoding="utf-8")
    owners = sync_owners(store, load_owners_file(path))
    return {owner.name: owner for owner in owners}


def owner_spec(name: str, slack_id: str, **kwargs: object) -> OwnerSpec:
    """An OwnerSpec with defaults."""
    return OwnerSpec(name=name, slack_id=slack_id, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Seeded:
    """Ids of what one `seed` call stored."""

    question_id: int
    answer_id: int
    feedback_id: int | None
    message_ts: str


def seed(
    store: Store,
    clock: ManualClock,
    at: datetime,
    question: str,
    *,
    kind: str | None = "down",
    channel: str = "C0GENERAL",
    user: str = "U0ASKER",
    reason: str | None = None,
    correction: str | None = None,
    error: str | None = None,
    prompt_version: str = "answer@v1",
    model: str = "offline",
    answer: str = "An answer.",
    confidence_line: str = "Grounded in 1 source",
) -> Seeded:
    """One question and answer at `at`, plus one piece of feedback of `kind` (None: none)."""
    clock.set(at)
    n = next(_ts)
    ts = f"1700{n:06d}.000100"
    q = store.add_question(text=question, user_id=user, channel_id=channel, message_ts=ts)
    assert q.id is not None
    a = store.add_answer(
        question_id=q.id,
        text=answer,
        provider="offline",
        model=model,
        prompt_version=prompt_version,
        error=error,
        channel_id=channel,
        message_ts=f"1800{n:06d}.000100",
        thread_ts=ts,
        confidence_line=confidence_line,
    )
    assert a.id is not None
    feedback_id = None
    if kind in ("up", "down"):
        row, _ = store.record_vote(answer_id=a.id, user_id=user, kind=kind, source="button")
        feedback_id = row.id
    elif kind in ("report", "correction"):
        row, _ = store.add_submission(
            answer_id=a.id, user_id=user, kind=kind, source="modal", dedupe_key=f"sub:{n}",
            reason=reason, text=correction,
        )  # fmt: skip
        feedback_id = row.id
    return Seeded(q.id, a.id, feedback_id, a.message_ts or "")
