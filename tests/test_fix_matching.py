"""The pure parts of a checked fix: sorting a replayed answer, and matching a new flag's question.

Precision first: a question on another subject must never reopen a fixed theme.
"""

from __future__ import annotations

import pytest

from bot.answering import AnswerOutcome
from bot.digest.fix_check import judge_outcome
from bot.digest.fix_watch import same_question
from bot.vocabulary import FixOutcome

THEME = "How many vacation days do I get per year?"


def _said(text: str, error: str | None = None) -> AnswerOutcome:
    return AnswerOutcome(text=text, provider="offline", model="m", prompt_version="p", error=error)


@pytest.mark.parametrize(
    "question",
    [
        "How many vacation days do I get per year?",
        "how many vacation days do i get per year",
        "How many vacation days per year do I get?",
        "How many vacation days do we get per year?",
    ],
)
def test_the_same_question_in_other_words_matches(question: str) -> None:
    assert same_question(question, THEME)


@pytest.mark.parametrize(
    "question",
    [
        "How many vacation days do contractors get per year?",  # same words, another subject
        "How many sick days do I get per year?",
        "How many vacation days can I carry over?",
        "vacation days",
        "How do I book vacation days?",
        "",
    ],
)
def test_a_question_on_another_subject_does_not(question: str) -> None:
    assert not same_question(question, THEME)


def test_a_correction_decides_with_the_eval_scoring() -> None:
    expected = "25 vacation days per year"
    passes = _said("Every employee gets 25 vacation days per year.")
    fails = _said("Every employee gets 20 vacation days per year.")
    assert judge_outcome(THEME, "20 days", expected, passes)[0] == FixOutcome.PASSES
    assert judge_outcome(THEME, "20 days", expected, fails)[0] == FixOutcome.FAILS


def test_without_a_correction_only_a_different_answer_counts_as_changed() -> None:
    flagged = "From *Old handbook*: you get 20 vacation days."
    assert judge_outcome(THEME, flagged, None, _said(flagged + " "))[0] == FixOutcome.FAILS
    changed = _said("From *Vacation policy*: every employee gets 25 vacation days per year.")
    assert judge_outcome(THEME, flagged, None, changed)[0] == FixOutcome.CHANGED


def test_an_answer_that_failed_or_was_refused_fails() -> None:
    assert judge_outcome(THEME, "x", "25 days", None)[0] == FixOutcome.FAILS
    assert judge_outcome(THEME, "x", None, _said("", error="timeout"))[0] == FixOutcome.FAILS
