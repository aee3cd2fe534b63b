""" "Sources disagree" detection: precision and recall on hand-written page pairs, and the demo.

The pairs (tests/fakes/conflict_pairs.py) are 16 conflicts (the same thing stated with different
values, in different words) and 16 non-conflicts (the same value, or different things that share
words: sick days vs vacation days, a hotel cap in two cities). Each pair is indexed as a folder
of two files and searched with its question, so a miss can come from retrieval (the second page
never found) as well as from the detector; both are reported. Baseline in the same run: a naive
detector that calls any two retrieved files with the same unit and different numbers a conflict.
Then the demo knowledge's known conflicts. Reproduce: `python -m bench.bench_conflicts`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.answering.conflicts import Conflict, find_conflict, quantities
from bot.answering.knowledge import Hit, KnowledgeBase
from bot.answering.text import sentences
from tests.fakes.conflict_pairs import PAIRS, Pair

DEMO = Path(__file__).resolve().parents[1] / "bot" / "demo" / "knowledge"
DEMO_QUESTIONS = (
    "how many vacation days do I get per year?",
    "how long is parental leave?",
    "what is the meal allowance on business trips?",
    "how much can I spend on a hotel per night?",
    "how many sick days are paid?",
    "what is the home office budget?",
    "how long must my password be?",
    "what is the training budget?",
)
Detector = Callable[[str, Sequence[Hit]], object]


def naive(question: str, hits: Sequence[Hit]) -> object:
    """Any two files among the hits stating one unit with different values."""
    seen: dict[str, set[float]] = {}
    files: dict[str, str] = {}
    for hit in hits:
        for sentence in sentences(hit.passage.text):
            for quantity in quantities(sentence):
                if quantity.unit in files and files[quantity.unit] != hit.passage.path:
                    if quantity.value not in seen[quantity.unit]:
                        return True
                files.setdefault(quantity.unit, hit.passage.path)
                seen.setdefault(quantity.unit, set()).add(quantity.value)
    return None


def score(detector: Detector) -> tuple[int, int, int, int, int, float]:
    """tp, fp, fn, tn, misses where retrieval found one page only, and ms per pair."""
    tp = fp = fn = tn = one_page = 0
    started = time.perf_counter()
    for pair in PAIRS:
        hits = KnowledgeBase(pair.passages()).search(pair.question)
        found = detector(pair.question, hits) is not None
        if found and pair.disagree:
            tp += 1
        elif found:
            fp += 1
        elif pair.disagree:
            fn += 1
            one_page += len({h.passage.path for h in hits}) < 2
        else:
            tn += 1
    ms = (time.perf_counter() - started) * 1000 / len(PAIRS)
    return tp, fp, fn, tn, one_page, ms


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "-"


def main() -> None:
    """The table for both detectors, then the demo's conflicts."""
    print(f"{len(PAIRS)} pairs: {sum(p.disagree for p in PAIRS)} conflicts, "
          f"{sum(not p.disagree for p in PAIRS)} not")  # fmt: skip
    print(
        "| detector | precision | recall | TP | FP | FN (retrieval found 1 page) | TN | ms/pair |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, detector in (("lastmile", find_conflict), ("naive: same unit, other value", naive)):
        tp, fp, fn, tn, one, ms = score(detector)
        print(f"| {name} | {_ratio(tp, tp + fp)} | {_ratio(tp, tp + fn)} | {tp} | {fp} "
              f"| {fn} ({one}) | {tn} | {ms:.2f} |")  # fmt: skip
    knowledge = KnowledgeBase.load(DEMO)
    print("\ndemo knowledge (bot/demo/knowledge):")
    for question in DEMO_QUESTIONS:
        conflict = find_conflict(question, knowledge.search(question))
        print(f"- {question} -> {_describe(conflict)}")
    print("\nReproduce: python -m bench.bench_conflicts")


def _describe(conflict: Conflict | None) -> str:
    if conflict is None:
        return "no conflict"
    new, old = conflict.newer, conflict.older
    return (f"{new.passage.path} ({new.passage.updated or 'no date'}) says {new.quantity.text}, "
            f"{old.passage.path} ({old.passage.updated or 'no date'}) says "
            f"{old.quantity.text}")  # fmt: skip


__all__ = ["Pair", "main"]

if __name__ == "__main__":
    main()
