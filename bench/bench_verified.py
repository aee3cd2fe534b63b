"""Verified-answer matching: precision and recall on the demo's paraphrases and near misses.

Each of the demo's six corrected topics (bot/demo/topics.py) gets a verified answer. The old
matcher (rapidfuzz token_sort_ratio >= 80 on content words, one wording: the first person's)
is the baseline, in the same process; the new matcher is bot/answering/verified.py, first with
that one wording, then with the variants an approval from a theme attaches (the topic's week-1
wordings), then with the semantic embedder's veto when the `[semantic]` extra is installed (the
model's check needs a provider key and is not measured here). Positives: week-2 wordings and
other paraphrases, each must get its topic's answer.
Near misses: the same words on another subject, and every wording of the demo's other topics;
each must get no verified answer. Precision = right serves / serves; recall = right serves /
positives. Reproduce: `python -m bench.bench_verified` (deterministic, no network).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from bot.answering.text import tokens
from bot.answering.types import VerifiedEntry
from bot.answering.verified import MATCH_THRESHOLD, match_verified
from bot.answering.verified_cases import NEAR_MISSES, PARAPHRASES
from bot.answering.verified_checks import MatchCheck, semantic_check
from bot.demo.topics import TOPICS


@dataclass(frozen=True)
class Case:
    """One question and the topic whose verified answer it should get ('' for none)."""

    question: str
    topic: str


def corrected_entries(*, variants: bool) -> list[VerifiedEntry]:
    """One verified answer per corrected demo topic; with `variants`, all its week-1 wordings."""
    corrected = [t for t in TOPICS if t.correction]
    return [
        VerifiedEntry(
            id=n,
            question=topic.week1[0],
            answer=topic.correction,
            owner="@owner",
            verified_on=date(2026, 11, 23),
            variants=topic.week1[1:] if variants else (),
        )
        for n, topic in enumerate(corrected, start=1)
    ]


def positive_cases() -> list[Case]:
    """Week-2 wordings and the paraphrases above, for each corrected topic."""
    cases = []
    for topic in TOPICS:
        if topic.correction:
            wordings = (*topic.week2, *PARAPHRASES.get(topic.key, ()))
            cases += [Case(text, topic.key) for text in wordings]
    return cases


def negative_cases() -> list[Case]:
    """The near misses above and every wording of the topics nobody corrected."""
    others = [t for t in TOPICS if not t.correction]
    return [Case(text, "") for text in NEAR_MISSES] + [
        Case(text, "") for topic in others for text in (*topic.week1, *topic.week2)
    ]


def legacy_match(question: str, verified: Sequence[VerifiedEntry]) -> VerifiedEntry | None:
    """The matcher before variants: token_sort_ratio >= 80 on content words, first wording."""

    def key(text: str) -> str:
        return " ".join(sorted(set(tokens(text))))

    choices = [key(entry.question) for entry in verified]
    best = process.extractOne(key(question), choices, scorer=fuzz.token_sort_ratio, score_cutoff=80)
    return None if best is None else verified[best[2]]


@dataclass(frozen=True)
class Score:
    """What one matcher did on the cases."""

    right: int
    wrong: int  # served the wrong topic's answer to a positive, or any answer to a near miss
    positives: int
    near_miss_serves: int

    @property
    def precision(self) -> float:
        """Right serves over all serves (1.0 when nothing was served)."""
        served = self.right + self.wrong
        return self.right / served if served else 1.0

    @property
    def recall(self) -> float:
        """Right serves over positives."""
        return self.right / self.positives if self.positives else 0.0


Matcher = Callable[[str, Sequence[VerifiedEntry]], VerifiedEntry | None]


def new_match(threshold: float = MATCH_THRESHOLD, checks: Sequence[MatchCheck] = ()) -> Matcher:
    """bot/answering/verified.py's matcher at `threshold`, as an entry-or-None function."""

    def run(question: str, verified: Sequence[VerifiedEntry]) -> VerifiedEntry | None:
        found = match_verified(question, verified, threshold=threshold, checks=checks)
        return None if found is None else found.entry

    return run


def evaluate(match: Matcher, entries: Sequence[VerifiedEntry]) -> Score:
    """Score one matcher over every positive and negative case."""
    topic_of = {
        e.id: t.key for e, t in zip(entries, [t for t in TOPICS if t.correction], strict=True)
    }
    right = wrong = near = 0
    positives = positive_cases()
    for case in [*positives, *negative_cases()]:
        entry = match(case.question, entries)
        if entry is None:
            continue
        if topic_of[entry.id] == case.topic:
            right += 1
        else:
            wrong += 1
            near += case.topic == ""
    return Score(right, wrong, len(positives), near)


def main() -> None:
    """Print the table: baseline, new matcher on one wording, new matcher with variants."""
    one, many = corrected_entries(variants=False), corrected_entries(variants=True)
    rows = [
        ("old: token_sort_ratio >= 80, 1 wording", evaluate(legacy_match, one)),
        ("new: concepts + veto, 1 wording", evaluate(new_match(), one)),
        ("new: concepts + veto, theme's wordings", evaluate(new_match(), many)),
    ]
    semantic = semantic_check()
    if semantic is not None:
        name = "new + semantic veto, theme's wordings"
        rows.append((name, evaluate(new_match(checks=[semantic]), many)))
    rows += [
        (f"  threshold {t:.2f}, theme's wordings", evaluate(new_match(t), many))
        for t in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        if t != MATCH_THRESHOLD
    ]
    n_pos, n_neg = len(positive_cases()), len(negative_cases())
    print(f"verified matching: {n_pos} paraphrases of 6 corrected topics, {n_neg} near misses")
    print(f"{'matcher':<42}{'precision':>10}{'recall':>8}{'wrong serves':>14}")
    for name, score in rows:
        line = f"{score.precision:>10.1%}{score.recall:>8.1%}{score.wrong:>14}"
        print(f"{name:<42}{line}")
    if semantic is None:
        print("(semantic veto not measured: the [semantic] extra is not installed)")
    print(f"(threshold {MATCH_THRESHOLD}; reproduce: python -m bench.bench_verified)")


if __name__ == "__main__":
    main()
