"""Verified answers are served first, verbatim, for paraphrases, and never for near misses."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering import (
    AnswerOutcome,
    VerifiedEntry,
)
from bot.answering.verified import match_verified
from tests.fakes.offline_answers import answer_offline

VERIFIED = [
    VerifiedEntry(7, "How do I reset my VPN password?", "Use https://vpn.example/reset.", "@ana",
                  date(2026, 11, 2)),
    VerifiedEntry(8, "What is the parental leave policy?", "20 weeks, full pay.", "@bo",
                  date(2026, 10, 1)),
    VerifiedEntry(9, "How do I expense a client dinner?", "Expensify, with the client's name.",
                  "@cy", date(2026, 9, 9)),
]  # fmt: skip


def ask(question: str) -> tuple[AnswerOutcome, list[str]]:
    """Answer offline against an empty knowledge base with the verified entries above."""
    return answer_offline(question, verified=VERIFIED)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("how can I reset my vpn password", 7),
        ("I forgot my VPN password, how do I reset it?", 7),
        ("reset VPN password", 7),
        ("What's our parental leave policy", 8),
        ("how do I expense a dinner with a client", 9),
    ],
)
def test_a_paraphrase_gets_the_verified_answer_verbatim(question: str, entry_id: int) -> None:
    outcome, chunks = ask(question)
    entry = next(e for e in VERIFIED if e.id == entry_id)
    assert outcome.verified_answer_id == entry_id
    assert outcome.text == entry.answer and chunks == [entry.answer]
    assert outcome.confidence == 1.0
    assert outcome.confidence_line == f"Verified by {entry.owner}, {entry.verified_on.isoformat()}"


@pytest.mark.parametrize(
    "question",
    [
        "How do I reset my email password?",
        "What is the sick leave policy?",
        "How do I expense a train ticket?",
        "What is the VPN server address?",
        "How do I reset my laptop",
    ],
)
def test_a_near_miss_or_unrelated_question_is_not_served_a_verified_answer(question: str) -> None:
    assert match_verified(question, VERIFIED) is None
    outcome, _ = ask(question)
    assert outcome.verified_answer_id is None
    assert outcome.provider == "offline"


def test_the_near_miss_set_is_never_served_and_paraphrases_are() -> None:
    """The bench's bars: 0 wrong serves on near misses, >= 90% of the demo paraphrases."""
    from bench.bench_verified import corrected_entries, evaluate, new_match

    score = evaluate(new_match(), corrected_entries(variants=True))
    assert score.wrong == 0 and score.near_miss_serves == 0
    assert score.recall >= 0.9


@pytest.mark.parametrize(
    "question",
    [
        "vacation days for contractors",
        "How many vacation days do contractors get?",
        "parental leave for adoptions",
        "How many sick days do I get per year?",
        "reset my password",
    ],
)
def test_the_same_words_on_another_subject_miss(question: str) -> None:
    entries = [
        VerifiedEntry(1, "vacation days?", "25 days.", "@hr", date(2026, 11, 2),
                      variants=("How many vacation days do I get per year?",)),
        VerifiedEntry(2, "parental leave weeks?", "16 weeks.", "@hr", date(2026, 11, 2)),
        VerifiedEntry(3, "How do I reset my VPN password?", "Portal.", "@it", date(2026, 11, 2)),
    ]  # fmt: skip
    assert match_verified(question, entries) is None


@pytest.mark.parametrize(
    ("question", "variants", "matched"),
    [
        ("How many vacation days do I get per year?", (), True),  # the issue's own example
        ("How many days of holiday do I get?", (), True),
        ("How many weeks of parental leave do parents get?", (), False),  # only with a variant
        ("How many weeks of parental leave do parents get?", ("parental leave weeks?",), True),
    ],
)
def test_a_variant_widens_what_an_answer_matches(
    question: str, variants: tuple[str, ...], matched: bool
) -> None:
    entries = [
        VerifiedEntry(1, "vacation days?", "25 days.", "@hr", date(2026, 11, 2)),
        VerifiedEntry(2, "How long is maternity leave?", "16 weeks.", "@hr", date(2026, 11, 2),
                      variants=variants),
    ]  # fmt: skip
    assert (match_verified(question, entries) is not None) is matched


def test_an_overdue_answer_says_when_it_was_last_checked() -> None:
    entry = VerifiedEntry(1, "vacation days?", "25 days.", "@hr", date(2026, 1, 5),
                          last_checked=date(2026, 1, 5))  # fmt: skip
    outcome, _ = answer_offline("vacation days?", verified=[entry])
    assert outcome.confidence_line == "Verified by @hr, 2026-01-05 · last checked 2026-01-05"


def test_wrong_serves_names_each_near_miss_that_would_be_served() -> None:
    from bot.answering.verified_cases import NEAR_MISSES, wrong_serves

    vacation = VerifiedEntry(2, "vacation days?", "25 days.", "@hr", date(2026, 11, 2))
    assert wrong_serves(NEAR_MISSES, [vacation]) == []
    assert wrong_serves(["vacation days per year"], [vacation]) == [("vacation days per year", 2)]
