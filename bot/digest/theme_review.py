"""With a model key, the model reviews borderline themes: it splits loose ones, joins close pairs.

Clustering sometimes joins two subjects in one theme, or splits one subject in two ("vacation
days left" and "carry over vacation"). After a week's clustering the model is asked one question,
SAME or DIFFERENT, about two groups of at most five example questions each (prompt:
`bot/prompts/theme_review.md`), never about every row:
1. Split: the loosest themes (at least SPLIT_MIN_SIZE questions, cohesion below SPLIT_BELOW, at
   most SPLIT_CANDIDATES, loosest first) are cut in two by 2-means on their embeddings; when the
   model calls the halves DIFFERENT, they become two themes.
2. Join: pairs of themes whose centroids are close (cosine >= BORDERLINE), closest first; SAME
   joins them (transitively). Halves the model just called different are not asked again.
A hard budget bounds the cost: at most MAX_PAIRS calls and BUDGET_S seconds per run, each call
with its own deadline, and the first error or timeout turns the review off for the run.
Offline, with an HTTP service, or when the model fails, themes stay as clustered.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answering.prompt import Prompt, load_prompt
from bot.answering.types import Answerer, Clock
from bot.clustering.types import ClusterResult, Theme
from bot.digest.themes import Clusterer, Clusters, cosine
from bot.llm_tasks import RunBudget, complete

log = logging.getLogger(__name__)

BORDERLINE = 0.4
MAX_PAIRS = 30
SPLIT_MIN_SIZE = 6
SPLIT_BELOW = 0.85
SPLIT_CANDIDATES = 10
MAX_SPLIT_ROWS = 300  # questions of one theme embedded again to cut it in two
EXAMPLES_PER_GROUP = 5
MAX_EXAMPLE_CHARS = 300
CALL_TIMEOUT_S = 15.0
BUDGET_S = 60.0
TASK = "Do group A and group B ask about the same subject? Reply SAME or DIFFERENT."
_VERDICT = re.compile(r"^\W*(same|different)\b", re.IGNORECASE)


@dataclass
class ThemeReviewer:
    """Asks the model about borderline pairs within a budget; counts what it did."""

    answerer: Answerer
    prompt: Prompt
    max_pairs: int = MAX_PAIRS
    timeout_s: float = CALL_TIMEOUT_S
    budget_s: float = BUDGET_S
    clock: Clock = time.monotonic
    calls: int = 0
    merged: int = 0
    split: int = 0
    _budget: RunBudget | None = None

    @property
    def gave_up(self) -> bool:
        """True once an error, a timeout or the spent budget turned the review off."""
        return self._budget is not None and self._budget.gave_up

    def same_subject(self, first: Sequence[str], second: Sequence[str]) -> bool | None:
        """True/False as the model says; None when the budget is spent or the model failed."""
        if self._budget is None:  # made at the first call, from the limits as set by then
            self._budget = RunBudget(self.timeout_s, self.budget_s, self.clock)
        timeout = self._budget.next_timeout() if self.calls < self.max_pairs else None
        if timeout is None:
            return None
        self.calls += 1
        items = _group_items("group A question", first) + _group_items("group B question", second)
        reply = complete(
            self.answerer, self.prompt, TASK, timeout_s=timeout, items=items, clock=self.clock
        )
        if reply is None:
            self._budget.give_up()  # failing or slow: the rest of the run keeps the clustering
            return None
        verdict = _VERDICT.match(reply)
        if verdict is None:
            log.warning("theme_review reply was neither SAME nor DIFFERENT; pair kept apart")
            return False
        return verdict.group(1).lower() == "same"


def theme_reviewer(answerer: Answerer, prompt: Prompt | None = None) -> ThemeReviewer | None:
    """A reviewer when answers come from a model (anthropic, openai); None offline or a service."""
    if answerer.grounding != "llm":
        return None
    return ThemeReviewer(answerer, prompt or load_prompt("theme_review"))


def reviewed(clusterer: Clusterer, reviewer: ThemeReviewer | None) -> Clusterer:
    """`clusterer`, then the model's review (unchanged without a reviewer)."""
    if reviewer is None:
        return clusterer

    def review(texts: Sequence[str]) -> Clusters:
        result = clusterer(texts)
        if not isinstance(result, ClusterResult) or result.space is None:
            return result  # no stable embedding (the TF-IDF fallback): nothing to review by
        themes, apart = review_splits(result, texts, reviewer)
        return review_pairs(
            ClusterResult(result.labels, themes, result.space), texts, reviewer, apart
        )

    return review


def review_splits(
    result: ClusterResult, texts: Sequence[str], reviewer: ThemeReviewer
) -> tuple[list[Theme], set[frozenset[int]]]:
    """The themes after the model's splits, and the pairs of halves it called different."""
    from bot.clustering import make_embedder
    from bot.clustering.split import theme_of, two_halves

    themes = list(result.themes)
    apart: set[frozenset[int]] = set()
    loose = [t for t in themes if t.size >= SPLIT_MIN_SIZE and t.cohesion < SPLIT_BELOW]
    candidates = sorted(loose, key=lambda t: (t.cohesion, t.index))[:SPLIT_CANDIDATES]
    if not candidates:
        return themes, apart
    embedder = make_embedder("semantic")
    for theme in candidates:
        members = list(theme.member_indices)[:MAX_SPLIT_ROWS]
        rows = embedder.embed([texts[i] for i in members])
        halves = two_halves(rows)
        if halves is None:
            continue
        parts = [
            theme_of(theme, [m for m, h in zip(members, halves, strict=True) if h == half],
                     rows[halves == half], texts)
            for half in (0, 1)
        ]  # fmt: skip
        verdict = reviewer.same_subject(*(_examples(part, texts) for part in parts))
        if verdict is None:
            break
        if not verdict:
            rest = set(theme.member_indices) - set(members)  # past MAX_SPLIT_ROWS: first half
            kept = tuple(sorted({*parts[0].member_indices, *rest}))
            first = replace(parts[0], member_indices=kept, size=len(kept))
            position = themes.index(theme)
            themes[position] = first
            themes.append(replace(parts[1], index=len(themes)))
            apart.add(frozenset((position, len(themes) - 1)))
            reviewer.split += 1
    return themes, apart


def review_pairs(
    result: ClusterResult,
    texts: Sequence[str],
    reviewer: ThemeReviewer,
    apart: set[frozenset[int]] | None = None,
) -> ClusterResult:
    """Join the borderline pairs the model calls one subject (transitively); renumber by size.

    `apart`: pairs of positions in `result.themes` already called different.
    """
    parent = list(range(len(result.themes)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, second in borderline_pairs(result.themes):
        if root(first) == root(second) or frozenset((first, second)) in (apart or set()):
            continue
        verdict = reviewer.same_subject(
            _examples(result.themes[first], texts), _examples(result.themes[second], texts)
        )
        if verdict is None:
            break
        if verdict:
            parent[root(second)] = root(first)
            reviewer.merged += 1
    groups: dict[int, list[Theme]] = {}
    for index, theme in enumerate(result.themes):
        groups.setdefault(root(index), []).append(theme)
    return _rebuilt(result, [_joined(themes) for themes in groups.values()])


def borderline_pairs(themes: Sequence[Theme]) -> list[tuple[int, int]]:
    """Pairs of themes with centroid cosine >= BORDERLINE, closest first (ties: by index)."""
    scored = []
    for i, first in enumerate(themes):
        for j in range(i + 1, len(themes)):
            second = themes[j]
            if first.centroid and len(first.centroid) == len(second.centroid):
                similar = cosine(first.centroid, second.centroid)
                if similar >= BORDERLINE:
                    scored.append((-similar, i, j))
    return [(i, j) for _, i, j in sorted(scored)]


def _examples(theme: Theme, texts: Sequence[str]) -> list[str]:
    central = list(theme.examples) + [i for i in theme.member_indices if i not in theme.examples]
    return [texts[i][:MAX_EXAMPLE_CHARS] for i in central[:EXAMPLES_PER_GROUP]]


def _group_items(title: str, questions: Sequence[str]) -> list[tuple[str, str]]:
    return [(title, question) for question in questions]


def _joined(themes: list[Theme]) -> Theme:
    """One theme of several: the largest one's label, terms and examples; all members."""
    largest = max(themes, key=lambda t: (t.size, -t.index))
    members = tuple(sorted(i for t in themes for i in t.member_indices))
    summed = [0.0] * len(largest.centroid)
    for theme in themes:
        for k, value in enumerate(theme.centroid):
            summed[k] += value * theme.size
    norm = math.sqrt(sum(v * v for v in summed)) or 1.0
    return replace(
        largest,
        size=len(members),
        member_indices=members,
        centroid=tuple(v / norm for v in summed),
    )


def _rebuilt(result: ClusterResult, themes: list[Theme]) -> ClusterResult:
    """Renumber by size (0 = largest), as cluster_texts numbers themes."""
    ordered = sorted(themes, key=lambda t: (-t.size, t.index))
    labels = list(result.labels)
    renumbered = []
    for index, theme in enumerate(ordered):
        for member in theme.member_indices:
            labels[member] = index
        renumbered.append(replace(theme, index=index))
    return ClusterResult(labels=labels, themes=renumbered, space=result.space)
