"""`answer_question` itself: input limits, the deadline before any attempt, confidence lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.answering import (
    MAX_QUESTION_CHARS,
    AnswerRequest,
    KnowledgeBase,
    Passage,
    QuestionRejected,
    QuestionTooLong,
    Source,
    answer_question,
    load_prompt,
)
from bot.answering.confidence import cited_sources, confidence_line
from bot.answering.types import Grounding
from tests.fakes.offline_answers import answer_offline


class SteppingClock:
    """Each reading is `step` seconds after the previous one."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def ask(question: str, clock: SteppingClock | None = None) -> str:
    """Answer offline with no knowledge; returns the error field or ''."""
    outcome, _ = answer_offline(question, clock=clock or SteppingClock(0.0), deadline_s=1.0)
    return outcome.error or ""


def test_a_question_over_the_limit_raises_a_clear_error() -> None:
    with pytest.raises(QuestionTooLong) as caught:
        ask("x" * (MAX_QUESTION_CHARS + 1))
    assert caught.value.length == MAX_QUESTION_CHARS + 1
    assert "at most 4,000" in caught.value.user_message


def test_a_question_at_the_limit_is_answered() -> None:
    assert ask("x" * MAX_QUESTION_CHARS) == ""


def test_an_empty_question_is_rejected() -> None:
    with pytest.raises(QuestionRejected):
        ask("   ")


def test_no_attempt_starts_when_the_deadline_has_already_passed() -> None:
    # Every clock reading advances 2 s, so the 1 s budget is gone before the first attempt.
    assert ask("How do I reset my VPN password?", SteppingClock(2.0)).startswith("deadline")


def test_latency_comes_from_the_injected_clock() -> None:
    outcome, _ = answer_offline("anything", clock=SteppingClock(0.25))
    assert outcome.latency_ms > 0 and outcome.latency_ms % 250 == 0


class BrokenAnswerer:
    """An answerer whose stream raises something no provider classified."""

    provider = "broken"
    model = "broken-1"
    grounding: Grounding = "llm"

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[str]:
        """Raise before yielding anything."""
        raise RuntimeError("bug")
        yield ""


def test_an_unexpected_provider_exception_becomes_an_error_outcome() -> None:
    outcome = answer_question(
        "anything",
        (),
        answerer=BrokenAnswerer(),
        knowledge=KnowledgeBase([]),
        verified=[],
        prompt=load_prompt(),
        on_chunk=lambda _: None,
    )
    assert outcome.error == "RuntimeError: bug"
    assert outcome.text.startswith("I couldn't get an answer")


def test_confidence_lines_follow_the_documented_mapping() -> None:
    one = [Source("A", "a.md")]
    two = [Source("A", "a.md"), Source("B", "b.md")]
    assert confidence_line(0.9, two) == "Grounded in 2 sources"
    assert confidence_line(0.6, one) == "Grounded in 1 source"
    assert confidence_line(0.59, one) == "Weak support: check before relying on this"
    assert confidence_line(0.9, []) == "No source found: check before relying on this"


def test_cited_sources_follow_the_numbers_in_the_answer() -> None:
    context = (Passage("A", "a.md", "", "x"), Passage("B", "b.md", "", "y"))
    assert [s.path for s in cited_sources("see [2] and [2]", context, "llm")] == ["b.md"]
    assert [s.path for s in cited_sources("no cites", context, "llm")] == ["a.md", "b.md"]
    assert cited_sources("no cites", context, "extractive") == []
    assert cited_sources("bogus [9]", context, "extractive") == []
