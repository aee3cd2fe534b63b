"""Counting a soak run from the sender's deliveries, the fake Slack's call log and the database.

- question lost: acked 2xx at least once, but no finished reply in its thread at the end;
- question refused: never acked in 1 + len(retry_delays) tries (Slack gave up on it);
- feedback lost: a reaction or click acked 2xx, but no feedback row for (answer, user);
- doubled: more than one reply (started, finished or not) in a question's thread;
- truncated: a reply started but never finished (see answers.py for "finished");
- ack p50/p99: every HTTP attempt; one without an answer counts as its time to fail (a
  timeout as `ack_timeout_s` or more);
- question to answer: first send of the question to its first finished reply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import psycopg

from .answers import ReplyLog
from .sender import Delivery
from .traffic import Question

SHOW = 5
FEEDBACK_SQL = (
    "SELECT a.channel_id, a.message_ts, f.user_id FROM feedback f JOIN answer a"
    " ON a.id = f.answer_id WHERE f.kind IN ('up', 'down')"
)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def feedback_rows(database_url: str) -> set[tuple[str, str, str]]:
    """(answer channel, answer ts, user) of every vote row."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return {(str(c), str(t), str(u)) for c, t, u in conn.execute(FEEDBACK_SQL).fetchall()}


@dataclass
class SoakResult:
    """The numbers of one run, and the first few ids behind each bad one."""

    sent: dict[str, int] = field(default_factory=dict)  # deliveries by kind
    attempts: int = 0
    questions: int = 0
    answered: int = 0  # finished reply with controls
    error_notices: int = 0  # finished reply without controls (provider failed, ...)
    lost_questions: list[str] = field(default_factory=list)
    refused_questions: list[str] = field(default_factory=list)
    feedback_acked: int = 0
    lost_feedback: list[str] = field(default_factory=list)
    refused_feedback: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    ack_p50: float | None = None
    ack_p99: float | None = None
    answer_p50: float | None = None
    answer_p99: float | None = None
    drain_s: float | None = None  # None: not drained within the limit
    statuses: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def clean(self) -> bool:
        """Nothing lost, doubled or truncated."""
        bad = (self.lost_questions, self.lost_feedback, self.doubled, self.truncated)
        return not any(bad)


def question_outcomes(
    result: SoakResult, questions: dict[str, Question], log: ReplyLog, sent: dict[str, Delivery]
) -> None:
    """Lost, refused, doubled, truncated and answer latency per question."""
    waits: list[float] = []
    for event_id, question in questions.items():
        delivery = sent[event_id]
        replies = log.thread(question.channel, question.ts)
        finished = [r for r in replies if r.finished_at is not None]
        if not delivery.acked:
            result.refused_questions.append(f"{event_id} ({_reasons(delivery)})")
        elif not finished:
            result.lost_questions.append(f"{event_id} ({_acked_by(delivery)})")
        if len(replies) > 1:
            result.doubled.append(f"{event_id} ({len(replies)} replies)")
        result.truncated += [f"{event_id} ts={r.ts}" for r in replies if r.finished_at is None]
        if finished:
            first = min(finished, key=lambda r: r.finished_at or 0.0)
            result.answered += first.has_controls
            result.error_notices += not first.has_controls
            waits.append((first.finished_at or 0.0) - delivery.first_sent)
    result.answer_p50, result.answer_p99 = percentile(waits, 0.5), percentile(waits, 0.99)


def feedback_outcomes(
    result: SoakResult, deliveries: list[Delivery], rows: set[tuple[str, str, str]]
) -> None:
    """Feedback acked but with no row, and feedback never acked."""
    for delivery in deliveries:
        if delivery.kind == "question":
            continue
        meta = delivery.meta
        if not delivery.acked:
            result.refused_feedback.append(f"{delivery.key} ({_reasons(delivery)})")
            continue
        result.feedback_acked += 1
        if (meta["channel"], meta["ts"], meta["user"]) not in rows:
            where = f"on ts={meta['ts']} by {meta['user']}, {_acked_by(delivery)}"
            result.lost_feedback.append(f"{delivery.key} {where}")


def _reasons(delivery: Delivery) -> str:
    """What each attempt got: `503`, `http_timeout`, ... joined by `/`."""
    got = (
        str(a.status) if a.status and a.reason != "http_timeout" else a.reason
        for a in delivery.attempts
    )
    return "/".join(got)


def _acked_by(delivery: Delivery) -> str:
    """`acked by replica 1 on try 2`: where and when the first 2xx came."""
    ack = next(a for a in delivery.attempts if a.reason == "")
    return f"acked by replica {ack.replica} on try {ack.retry_num + 1}"


def measure(
    deliveries: list[Delivery],
    questions: dict[str, Question],
    log: ReplyLog,
    rows: set[tuple[str, str, str]],
) -> SoakResult:
    """Every count of the run."""
    result = SoakResult()
    for delivery in deliveries:
        result.sent[delivery.kind] = result.sent.get(delivery.kind, 0) + 1
        for attempt in delivery.attempts:
            label = str(attempt.status) if attempt.status is not None else attempt.reason
            result.statuses[label] = result.statuses.get(label, 0) + 1
    acks = [a.latency_s for d in deliveries for a in d.attempts]
    result.attempts = len(acks)
    result.ack_p50, result.ack_p99 = percentile(acks, 0.5), percentile(acks, 0.99)
    result.questions = len(questions)
    by_key = {d.key: d for d in deliveries}
    question_outcomes(result, questions, log, by_key)
    feedback_outcomes(result, deliveries, rows)
    return result
