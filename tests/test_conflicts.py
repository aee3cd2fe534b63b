""" "Sources disagree" detection (bot/answering/conflicts.py): quantities, the demo's conflicts,
the traps, and the floors measured on the hand-written pairs (bench/bench_conflicts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.conflicts import find_conflict, quantities
from bot.answering.knowledge import KnowledgeBase
from bot.answering.types import Passage
from tests.conftest import PROJECT_ROOT
from tests.fakes.conflict_pairs import PAIRS

DEMO = PROJECT_ROOT / "bot" / "demo" / "knowledge"


@pytest.fixture(scope="module")
def demo() -> KnowledgeBase:
    """The demo's knowledge folder (an old handbook beside the current policies)."""
    return KnowledgeBase.load(Path(DEMO))


def test_quantities_read_numbers_words_currencies_and_bounds() -> None:
    found = quantities(
        "Every employee gets 20 vacation days, up to €1,000 a year, at least five working days "
        "and 12,5% of it."
    )
    assert [(q.value, q.unit, q.bound) for q in found] == [
        (20.0, "day", ""), (1000.0, "EUR", "cap"), (5.0, "working day", "floor"),
        (12.5, "%", ""),
    ]  # fmt: skip


def test_the_demo_handbook_and_leave_policy_disagree_and_the_newer_says_25(
    demo: KnowledgeBase,
) -> None:
    question = "how many vacation days do I get per year?"
    conflict = find_conflict(question, demo.search(question))
    assert conflict is not None
    assert (conflict.newer.passage.path, conflict.newer.quantity.value) == (
        "hr/leave-policy.md", 25.0,
    )  # fmt: skip
    assert (conflict.older.passage.path, conflict.older.quantity.value) == (
        "hr/employee-handbook-2019.md", 20.0,
    )  # fmt: skip
    assert conflict.dated


@pytest.mark.parametrize(
    "question",
    ["how many sick days are paid?", "what is the home office budget?",
     "what is the training budget?", "how do I connect to the VPN?"],
)  # fmt: skip
def test_pages_about_different_things_are_no_conflict(demo: KnowledgeBase, question: str) -> None:
    assert find_conflict(question, demo.search(question)) is None


def test_a_scope_only_one_page_names_is_no_conflict() -> None:
    pages = [
        Passage("Hotels", "hotels.md", "", "Hotels may cost up to 180 EUR a night."),
        Passage("Hotels abroad", "abroad.md", "",
                "In London and Paris hotels may cost up to 250 EUR a night."),
    ]  # fmt: skip
    question = "how much may a hotel cost a night?"
    assert find_conflict(question, KnowledgeBase(pages).search(question)) is None


def test_without_dates_the_better_match_is_preferred_and_said_to_be_undated() -> None:
    pages = [
        Passage("Phones", "a.md", "", "The monthly phone allowance is 30 EUR."),
        Passage("Phones", "b.md", "", "The monthly phone allowance is 45 EUR for everyone."),
    ]
    question = "what is the monthly phone allowance?"
    conflict = find_conflict(question, KnowledgeBase(pages).search(question))
    assert conflict is not None
    assert not conflict.dated


def test_precision_and_recall_on_the_written_pairs_hold_their_floors() -> None:
    tp = fp = fn = 0
    for pair in PAIRS:
        found = find_conflict(pair.question, KnowledgeBase(pair.passages()).search(pair.question))
        tp += found is not None and pair.disagree
        fp += found is not None and not pair.disagree
        fn += found is None and pair.disagree
    # Measured: precision 100%, recall 75% (3 of the 4 misses: retrieval found one page only).
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.7
