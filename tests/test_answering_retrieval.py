"""Stemming, synonyms, coverage of unknown words and honest confidence, on real Markdown folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import DONT_KNOW
from bot.answering.stem import stem, terms
from bot.answering.synonyms import concepts
from bot.answering.types import AnswerOutcome
from tests.fakes.offline_answers import answer_offline
from tests.test_answering_eval import KNOWLEDGE


@pytest.fixture(scope="module")
def demo() -> KnowledgeBase:
    """The demo's knowledge folder, as shipped."""
    return KnowledgeBase.load(KNOWLEDGE)


def offline(question: str, knowledge: KnowledgeBase) -> AnswerOutcome:
    """Answer offline, checking the streamed chunks join up to the text."""
    outcome, chunks = answer_offline(question, knowledge=knowledge)
    assert "".join(chunks) == outcome.text
    return outcome


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (("taxi", "taxis"), "taxi"),
        (("book", "books", "booked", "booking"), "book"),
        (("policy", "policies"), "polici"),
        (("apply", "applies", "applied", "applying"), "appli"),
        (("close", "closes", "closed", "closing"), "clos"),
        (("expense", "expenses", "expensed"), "expens"),
        (("submit", "submitted", "submitting"), "submit"),
        (("travel", "travelled", "travelling"), "travel"),
        (("install", "installing", "installed"), "instal"),
        (("agree", "agreed", "agreeing"), "agree"),
    ],
)
def test_inflected_forms_share_one_stem(forms: tuple[str, ...], expected: str) -> None:
    assert {stem(form) for form in forms} == {expected}


def test_words_that_only_look_inflected_are_left_alone() -> None:
    assert stem("training") != stem("train")
    assert stem("news") != stem("new")
    assert [stem(w) for w in ("status", "glass", "bus", "feed", "2fa")] == [
        "status",
        "glass",
        "bus",
        "feed",
        "2fa",
    ]


def test_terms_drop_stop_words_and_join_hyphenated_compounds() -> None:
    assert terms("The guest Wi-Fi password isn't shown") == [
        "guest",
        "wi",
        "fi",
        "password",
        "shown",
        "wifi",
    ]


def test_time_off_is_one_concept_with_leave_and_vacation_as_synonyms() -> None:
    [request, leave] = concepts("How do I request time off?")
    assert leave.term == "leav" and {"vacation", "holiday", "pto"} <= leave.synonyms
    assert request.term == "request" and "book" in request.synonyms
    assert [c.term for c in concepts("laptop or computer")] == ["laptop"]


def test_the_suggested_taxi_question_is_answered_from_the_taxis_section(
    demo: KnowledgeBase,
) -> None:
    outcome = offline("How do I expense a taxi ride?", demo)
    assert outcome.text.startswith("From *Expense policy (2024)*, Taxis [1]:\n")
    assert "> Taxis are fine late at night" in outcome.text
    # "ride" is in no file: it does not sink a passage that has both other words.
    assert outcome.confidence_line == "Grounded in 1 source"


def test_time_off_finds_the_leave_policy_and_does_not_claim_to_be_grounded(
    demo: KnowledgeBase,
) -> None:
    outcome = offline("How do I request time off?", demo)
    assert [s.path for s in outcome.sources][0] == "hr/leave-policy.md"
    assert "Book leave in Workday" in outcome.text
    # The 2019 handbook and the parental leave page match as well: that is no proof.
    assert outcome.confidence_line == "Weak support: check before relying on this"


def test_unknown_words_spare_a_strong_match_but_known_missing_words_sink_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "expenses.md").write_text("# Expenses\n\n## Taxis\n\nTaxis are fine at night.\n")
    (tmp_path / "hotels.md").write_text("# Hotels\n\nHotels cost up to 180 EUR a night.\n")
    (tmp_path / "cards.md").write_text("# Cards\n\nRequest a card in Pleo.\n")
    knowledge = KnowledgeBase.load(tmp_path)

    def coverage(question: str) -> float:
        hits = [h for h in knowledge.search(question) if h.passage.heading == "Taxis"]
        return hits[0].coverage if hits else 0.0

    # "ride" is in no file; "hotel" is, but not in the Taxis section.
    ride, hotel = coverage("expense a taxi ride"), coverage("expense a taxi hotel")
    assert ride > 0.75 and hotel < 0.7 and ride > hotel
    # With a single known word, unknown words weigh like the rarest word: no match.
    assert knowledge.search("card parking garage") == []


def test_questions_outside_the_knowledge_get_i_dont_know(demo: KnowledgeBase) -> None:
    for question in ("Who is the CEO?", "How do I book a meeting room?"):
        assert offline(question, demo).text == DONT_KNOW


def test_two_files_matching_equally_well_is_weak_support(demo: KnowledgeBase) -> None:
    # Payroll, sick pay and invoices all say "pay" and "day": retrieval cannot tell.
    outcome = offline("When is pay day?", demo)
    assert outcome.confidence < 0.6
    assert outcome.confidence_line == "Weak support: check before relying on this"
