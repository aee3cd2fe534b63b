"""Asking, free of Slack: record the question, answer it (verified first), store the answer.

A front end (Slack, the demo, a test) supplies an `AnswerSink`: it receives the answer's text
chunks as they stream, then the stored answer's id to render the final message (with feedback
controls) and report where that message lives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.answering import (
    AnswerOutcome,
    Asker,
    QuestionRejected,
    Source,
    Turn,
    VerifiedEntry,
    answer_question,
    check_question,
)
from bot.answering.known_issues import RECENT_DAYS, KnownIssue
from bot.answering.steps import AnswerStep
from bot.answering.verified_checks import default_checks
from bot.runtime import Runtime
from storage.models import Answer, Question, VerifiedAnswer
from storage.queries.base import as_utc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AskRequest:
    """One question as it arrived; `thread_ts` is where the answer goes."""

    text: str
    user_id: str
    channel_id: str
    thread_ts: str
    message_ts: str = ""
    via: str = "mention"
    event_id: str | None = None


class AnswerSink(Protocol):
    """Where an answer is shown while it streams and once it is complete."""

    def append(self, chunk: str) -> None:
        """Show one more raw chunk of the answer (the sink escapes it)."""
        ...

    def step(self, step: AnswerStep) -> None:
        """Show a thinking step (bot/answering/steps.py); a sink may batch or drop them."""
        ...

    def finish(self, answer_id: int, outcome: AnswerOutcome) -> str | None:
        """Show the final answer; returns the message ts it lives at, if any."""
        ...

    def reject(self, message: str) -> None:
        """Tell the asker why the question cannot be answered as asked."""
        ...

    def on_reply(self, record: Callable[[str], None]) -> None:
        """Have `record(ts)` called once the reply message exists, before more is shown."""
        ...

    def resume_at(self, ts: str) -> None:
        """Show this answer in the reply an earlier attempt started at `ts` (no second reply)."""
        ...

    def abort(self, notice: str) -> None:
        """End a reply already started with `notice`, after a failure."""
        ...


@dataclass(frozen=True)
class AskResult:
    """What happened: an answer id (None when rejected or already answered) and its outcome."""

    answer_id: int | None
    outcome: AnswerOutcome | None = None
    rejected: str | None = None
    already_answered: bool = False


def ask(
    runtime: Runtime,
    request: AskRequest,
    sink: AnswerSink,
    *,
    monotonic: Callable[[], float] = time.monotonic,
) -> AskResult:
    """Answer one question end to end; safe to call again for the same event id."""
    try:
        text = check_question(request.text)
    except QuestionRejected as rejected:
        # Nothing is stored and nothing reaches a provider for unusable input.
        sink.reject(rejected.user_message)
        return AskResult(answer_id=None, rejected=rejected.user_message)
    store = runtime.store
    question = _existing_question(runtime, request.event_id)
    if question is not None and question.id is not None:
        prior = store.answer_for_question(question.id)
        if prior is not None and prior.id is not None:
            if prior.message_ts:
                return AskResult(answer_id=None, already_answered=True)
            return _finish_stored(runtime, question, prior, request, sink)
    history = thread_history(runtime, request.channel_id, request.thread_ts)
    if question is None:
        question = store.add_question(
            text=text,
            user_id=request.user_id,
            channel_id=request.channel_id,
            thread_ts=request.thread_ts,
            message_ts=request.message_ts,
            via=request.via,
            event_id=request.event_id,
        )
    assert question.id is not None
    question_id = question.id
    if question.reply_ts:
        sink.resume_at(question.reply_ts)  # an earlier attempt started a reply: replace it
    sink.on_reply(lambda ts: persist(lambda: store.set_question_reply(question_id, ts)))
    started_ns = time.time_ns()
    try:
        outcome = answer_question(
            text,
            history,
            answerer=runtime.answerer,
            knowledge=runtime.knowledge,
            verified=verified_entries(runtime),
            known_issues=known_issues(runtime),
            verified_checks=default_checks(runtime.answerer, runtime.prompts["verified_match"]),
            prompt=runtime.prompt,
            on_chunk=sink.append,
            on_step=sink.step,
            clock=monotonic,
            deadline_s=runtime.settings.answer_timeout_s,
            asker=Asker(request.user_id, request.channel_id, request.thread_ts),
        )
        answer_id = _store_answer(runtime, question, request, outcome, started_ns)
        message_ts = sink.finish(answer_id, outcome)
    except Exception:
        sink.abort(UNFINISHED_NOTICE)  # never leave a half-streamed reply open
        raise
    if message_ts:
        persist(lambda: _link(runtime, answer_id, request, message_ts))
    return AskResult(answer_id=answer_id, outcome=outcome)


UNFINISHED_NOTICE = (
    "I couldn't finish this answer (a problem on my side). I'm trying again: a complete answer "
    "will replace this one. If none does within a few minutes, please ask again."
)
PERSIST_TRIES = 4
PERSIST_WAIT_S = 0.5


def persist(write: Callable[[], None], *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Run a small write that must not be lost, riding out a database blip of a few seconds.

    Used where a failure would cost a person something: the reply ts (without it a retry posts
    a second reply) and the answer's message link (without it every click is dropped). The
    last failure propagates: the event is retried, and the retry finds what was stored.
    """
    for attempt in range(PERSIST_TRIES):
        try:
            write()
            return
        except (OperationalError, InterfaceError, PoolTimeout):
            if attempt == PERSIST_TRIES - 1:
                raise
            sleep(PERSIST_WAIT_S * 2**attempt)


def _link(runtime: Runtime, answer_id: int, request: AskRequest, message_ts: str) -> None:
    runtime.store.set_answer_message(
        answer_id, channel_id=request.channel_id, message_ts=message_ts
    )


def _finish_stored(
    runtime: Runtime, question: Question, prior: Answer, request: AskRequest, sink: AnswerSink
) -> AskResult:
    """An answer stored but never linked to its message (a crash or a database cut after the
    store): finish the reply an earlier attempt started with it, then link it, so clicks and
    reactions on it count."""
    assert prior.id is not None
    outcome = outcome_of(prior)
    if question.reply_ts:
        sink.resume_at(question.reply_ts)
    message_ts = sink.finish(prior.id, outcome)
    if message_ts:
        persist(lambda: _link(runtime, prior.id or 0, request, message_ts))
    log.info("answer %s: finished and linked on a retry", prior.id)
    return AskResult(answer_id=prior.id, outcome=outcome)


def outcome_of(answer: Answer) -> AnswerOutcome:
    """The outcome a stored answer was made from (to render its message again)."""
    return AnswerOutcome(
        text=answer.text,
        provider=answer.provider,
        model=answer.model,
        prompt_version=answer.prompt_version,
        sources=[Source(**source) for source in answer.sources],
        confidence=answer.confidence,
        confidence_line=answer.confidence_line,
        latency_ms=answer.latency_ms,
        error=answer.error,
        verified_answer_id=answer.verified_answer_id,
    )


def _existing_question(runtime: Runtime, event_id: str | None) -> Question | None:
    if not event_id:
        return None
    return runtime.store.question_for_event(event_id)


def thread_history(runtime: Runtime, channel_id: str, thread_ts: str) -> list[Turn]:
    """The thread's earlier answered turns, oldest first, as provider history."""
    turns: list[Turn] = []
    for question, answer in runtime.store.thread_turns(channel_id, thread_ts):
        turns.append(Turn("user", question))
        turns.append(Turn("assistant", answer))
    return turns


def known_issues(runtime: Runtime) -> list[KnownIssue]:
    """Open, unsnoozed themes with failures in the last RECENT_DAYS days, and who reviews them."""
    since = runtime.store.now() - timedelta(days=RECENT_DAYS)
    owners = {owner.id: owner.name for owner in runtime.store.list_owners()}
    grouped: dict[int, tuple[str, int | None, list[str], set[str]]] = {}
    for theme_id, label, owner_id, question, user in runtime.store.open_theme_reports(since):
        entry = grouped.setdefault(theme_id, (label, owner_id, [], set()))
        entry[2].append(question)
        entry[3].add(user)
    return [
        KnownIssue(theme_id, label, owners.get(owner_id, "its owner"), tuple(qs), len(people))
        for theme_id, (label, owner_id, qs, people) in grouped.items()
    ]


def verified_entries(runtime: Runtime) -> list[VerifiedEntry]:
    """Active verified answers, with every wording, in the form the matcher takes.

    One past its review date (LASTMILE_VERIFIED_REVIEW_DAYS after its last check) carries that
    date, shown as "last checked <date>" until its owner keeps, edits or retires it.
    """
    rows = [row for row in runtime.store.active_verified_answers() if row.id is not None]
    variants = runtime.store.verified_variants([row.id for row in rows if row.id is not None])
    due = runtime.store.now() - timedelta(days=runtime.settings.verified_review_days)
    return [_entry(row, tuple(variants.get(row.id or 0, ())), due) for row in rows]


def _entry(row: VerifiedAnswer, variants: tuple[str, ...], due: datetime) -> VerifiedEntry:
    assert row.id is not None
    checked = as_utc(row.checked_at or row.created_at)
    return VerifiedEntry(
        id=row.id,
        question=row.question,
        answer=row.answer,
        owner=row.approved_by_name or row.approved_by,
        verified_on=row.created_at.date(),
        variants=variants,
        last_checked=checked.date() if checked < due else None,
    )


def _store_answer(
    runtime: Runtime,
    question: Question,
    request: AskRequest,
    outcome: AnswerOutcome,
    started_ns: int,
) -> int:
    assert question.id is not None
    if outcome.error:
        log.warning("answer to question %s failed: %s", question.id, outcome.error)
    span = runtime.traces.start_answer(
        started_ns=started_ns, question=request.text, user_id=request.user_id,
        channel_id=request.channel_id, outcome=outcome,
    )  # fmt: skip
    row = runtime.store.add_answer(
        question_id=question.id,
        text=outcome.text,
        provider=outcome.provider,
        model=outcome.model,
        prompt_version=outcome.prompt_version,
        sources=[source.stored() for source in outcome.sources],
        confidence=outcome.confidence,
        confidence_line=outcome.confidence_line,
        latency_ms=outcome.latency_ms,
        error=outcome.error,
        verified_answer_id=outcome.verified_answer_id,
        channel_id=request.channel_id,
        thread_ts=request.thread_ts,
        trace_id=span.ids.trace_id if span else None,
        span_id=span.ids.span_id if span else None,
    )
    assert row.id is not None
    if span is not None:
        span.finish(row.id)
    return row.id
