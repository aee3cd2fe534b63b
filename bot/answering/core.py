"""`answer_question`: verified answers first, else retrieval + provider, under one deadline."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from bot.answering.citations import CitationNumbers, RenumberedAnswerer
from bot.answering.confidence import (
    FAILED_LINE,
    confidence,
    confidence_line,
    listed_sources,
)
from bot.answering.deadline import StreamResult, stream_with_deadline
from bot.answering.disagreement import (
    answer_conflict,
    model_note,
    newer_first,
    with_disagreement,
)
from bot.answering.knowledge import Hit, KnowledgeBase
from bot.answering.known_issues import KnownIssue, match_known_issue, with_known_issue
from bot.answering.prompt import Prompt
from bot.answering.steps import (
    OnStep,
    ignore_step,
    model_step,
    search_failed_step,
    search_step,
    verified_step,
)
from bot.answering.types import (
    MAX_QUESTION_CHARS,
    UNVERSIONED,
    Answerer,
    AnswerFacts,
    AnswerOutcome,
    AnswerRequest,
    Asker,
    Clock,
    QuestionRejected,
    QuestionTooLong,
    Source,
    Turn,
    VerifiedEntry,
)
from bot.answering.verified import match_verified, verified_line
from bot.answering.verified_checks import MatchCheck

DEFAULT_DEADLINE_S = 30.0
MAX_PASSAGES = 5
EXTRACTIVE_PROMPT_VERSION = "offline-extractive@1"
TIMEOUT_MESSAGE = (
    "I couldn't get an answer in time. Please try again in a minute; "
    "if it keeps happening, tell the people who run this bot."
)
FAILURE_MESSAGE = (
    "I couldn't get an answer: the AI service returned an error. Please try again in a minute; "
    "if it keeps happening, tell the people who run this bot."
)
CUT_OFF_MESSAGE = (
    "This answer was cut off: the AI service stopped before it finished. Please try again; "
    "if it keeps happening, tell the people who run this bot."
)
ESTIMATED_SUFFIX = " (lastmile's estimate: the service gave no confidence)"
"""Marks a confidence line lastmile worked out itself for a service that did not send one."""


def check_question(question: str) -> str:
    """The question stripped; raises QuestionRejected when empty or too long."""
    text = question.strip()
    if not text:
        raise QuestionRejected("Ask me a question and I'll look it up.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionTooLong(len(text))
    return text


def answer_question(
    question: str,
    history: Sequence[Turn],
    *,
    answerer: Answerer,
    knowledge: KnowledgeBase,
    verified: Sequence[VerifiedEntry],
    prompt: Prompt,
    on_chunk: Callable[[str], None],
    clock: Clock = time.monotonic,
    deadline_s: float = DEFAULT_DEADLINE_S,
    verified_checks: Sequence[MatchCheck] = (),
    on_step: OnStep = ignore_step,
    asker: Asker | None = None,
    known_issues: Sequence[KnownIssue] = (),
) -> AnswerOutcome:
    """Answer one question; chunks go to `on_chunk` and join up to exactly `outcome.text`.

    `known_issues` are open themes with recent flags: an answer on one says so
    (bot/answering/known_issues.py); a verified answer is served before any of them.

    `on_step` hears each thinking step (bot/answering/steps.py) before the text it leads to.
    Raises QuestionRejected for unusable input; never raises for provider failures.
    """
    started = clock()
    text = check_question(question)
    match = match_verified(text, verified, checks=verified_checks)
    on_step(verified_step(match.entry.question if match is not None else None))
    if match is not None:
        on_chunk(match.entry.answer)
        return AnswerOutcome(
            text=match.entry.answer,
            provider="verified",
            model="verified",
            prompt_version="verified",
            confidence=1.0,
            confidence_line=verified_line(match.entry),
            latency_ms=_elapsed_ms(clock, started),
            verified_answer_id=match.entry.id,
        )
    try:
        hits = _retrieve(knowledge, text, history)
    except Exception:
        on_step(search_failed_step())
        raise
    on_step(search_step(hits))
    service = answerer.grounding == "service"
    conflict = None if service else answer_conflict(text, hits)
    request = AnswerRequest(
        text, tuple(history), newer_first(hits, conflict), prompt, asker or Asker(),
        note=model_note(conflict) if conflict is not None else "",
    )  # fmt: skip
    # Citations are renumbered as they stream, so [n] is always the n-th listed source; a
    # service's [n] already points into the sources it sends, so its text is left alone.
    numbers = CitationNumbers(request.context)
    streamed = answerer if service else RenumberedAnswerer(answerer, numbers)
    asked = clock()
    on_step(model_step(answerer, "in_progress"))
    result = stream_with_deadline(
        streamed,
        request,
        on_chunk=on_chunk,
        clock=clock,
        deadline=started + deadline_s,
    )
    if result.error is None:
        on_step(model_step(answerer, "complete", seconds=clock() - asked))
    else:
        on_step(model_step(answerer, "error", timed_out=result.timed_out))
    if service:
        outcome = _service_outcome(
            answerer, request, hits, result, on_chunk, _elapsed_ms(clock, started)
        )
    else:
        sources = listed_sources(numbers.sources, request.context, answerer.grounding)
        outcome = _outcome(
            answerer, request, hits, sources, result, on_chunk, _elapsed_ms(clock, started)
        )
    if outcome.error is not None:
        return outcome
    if conflict is not None:
        outcome = _stream_tail(outcome, with_disagreement(outcome, conflict), on_chunk)
    issue = match_known_issue(text, known_issues)
    if issue is not None:
        outcome = _stream_tail(outcome, with_known_issue(outcome, issue), on_chunk)
    return outcome


def _retrieve(knowledge: KnowledgeBase, question: str, history: Sequence[Turn]) -> list[Hit]:
    hits = knowledge.search(question, limit=MAX_PASSAGES)
    earlier = [turn.text for turn in history if turn.role == "user"]
    if not hits and earlier:
        # A follow-up ("and on a Mac?") often only makes sense with the previous question.
        hits = knowledge.search(f"{earlier[-1]} {question}", limit=MAX_PASSAGES)
    return hits


def _outcome(
    answerer: Answerer,
    request: AnswerRequest,
    hits: list[Hit],
    sources: list[Source],
    result: StreamResult,
    on_chunk: Callable[[str], None],
    latency_ms: int,
) -> AnswerOutcome:
    version = request.prompt.version if answerer.grounding == "llm" else EXTRACTIVE_PROMPT_VERSION
    if result.error is not None:
        return _failed(answerer, answerer.model, version, result, on_chunk, latency_ms)
    value = confidence(hits, sources, answerer.grounding)
    return AnswerOutcome(
        text=result.text,
        sources=sources,
        confidence=value,
        confidence_line=confidence_line(value, sources),
        latency_ms=latency_ms,
        provider=answerer.provider,
        model=answerer.model,
        prompt_version=version,
    )


def _failed(
    answerer: Answerer,
    model: str,
    version: str,
    result: StreamResult,
    on_chunk: Callable[[str], None],
    latency_ms: int,
) -> AnswerOutcome:
    """The notice after a failure (the text so far stays, marked as cut off)."""
    if result.timed_out:
        notice = TIMEOUT_MESSAGE
    else:
        notice = CUT_OFF_MESSAGE if result.text else FAILURE_MESSAGE
    tail = f"\n\n_{notice}_" if result.text else notice
    on_chunk(tail)
    return AnswerOutcome(
        text=result.text + tail,
        confidence=0.0,
        confidence_line=FAILED_LINE,
        latency_ms=latency_ms,
        error=result.error,
        provider=answerer.provider,
        model=model,
        prompt_version=version,
    )


def _service_outcome(
    answerer: Answerer,
    request: AnswerRequest,
    hits: list[Hit],
    result: StreamResult,
    on_chunk: Callable[[str], None],
    latency_ms: int,
) -> AnswerOutcome:
    """An answer from the company's service: its sources, model and version; its confidence,
    else lastmile's own estimate from its search, labelled as such."""
    facts = result.facts or AnswerFacts()
    model = facts.model or answerer.model
    version = facts.version or getattr(answerer, "last_version", None) or UNVERSIONED
    if result.error is not None:
        return _failed(answerer, model, version, result, on_chunk, latency_ms)
    sources = list(facts.sources)
    if facts.confidence is not None:
        value = facts.confidence
        line = confidence_line(value, sources)
    else:
        value = confidence(hits, sources or listed_sources([], request.context, "llm"), "llm")
        line = confidence_line(value, sources) + ESTIMATED_SUFFIX
    return AnswerOutcome(
        text=result.text,
        sources=sources,
        confidence=value,
        confidence_line=line,
        latency_ms=latency_ms,
        provider=answerer.provider,
        model=model,
        prompt_version=version,
    )


def _stream_tail(
    before: AnswerOutcome, after: AnswerOutcome, on_chunk: Callable[[str], None]
) -> AnswerOutcome:
    """Stream what `after` adds to the text already streamed for `before` (a closing line)."""
    on_chunk(after.text[len(before.text) :])
    return after


def _elapsed_ms(clock: Clock, started: float) -> int:
    return max(0, round((clock() - started) * 1000))
