"""With a model key, the model reviews borderline theme pairs and joins those it calls one subject.

Clustering sometimes splits one subject in two ("vacation days left" and "carry over vacation").
After a week's clustering, pairs of themes whose mean embeddings are close but not close enough
to have merged (cosine >= BORDERLINE) go to the model, closest first, as a few example questions
each (prompt: `bot/prompts/theme_merge.md`), never every row. It answers SAME or DIFFERENT;
SAME joins them. A hard budget bounds the cost: at most MAX_PAIRS calls and BUDGET_S seconds
per run, each call with its own deadline, and the first error or timeout turns the review off
for the run. Offline, with an HTTP service, or when the model fails, themes stay as clustered.
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
from bot.digest.themes import Clusterer, Clusters
from bot.llm_tasks import RunBudget, complete

log = logging.getLogger(__name__)

BORDERLINE = 0.4
MAX_PAIRS = 30
EXAMPLES_PER_GROUP = 5
MAX_EXAMPLE_CHARS = 300
CALL_TIMEOUT_S = 15.0
BUDGET_S = 60.0
TASK = "Do group A and group B ask about the same subject? Reply SAME or DIFFERENT."
_VERDICT = re.compile(r"^\W*(same|different)\b", re.IGNORECASE)


@dataclass
class MergeReviewer:
    """Asks the model about borderline pairs within a budget; counts what it did."""

    answerer: Answerer
    prompt: Prompt
    max_pairs: int = MAX_PAIRS
    timeout_s: float = CALL_TIMEOUT_S
    budget_s: float = BUDGET_S
    clock: Clock = time.monotonic
    calls: int = 0
    merged: int = 0
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
            log.warning("theme_merge reply was neither SAME nor DIFFERENT; pair kept apart")
            return False
        return verdict.group(1).lower() == "same"


def merge_reviewer(answerer: Answerer, prompt: Prompt | None = None) -> MergeReviewer | None:
    """A reviewer when answers come from a model (anthropic, openai); None offline or a service."""
    if answerer.grounding != "llm":
        return None
    return MergeReviewer(answerer, prompt or load_prompt("theme_merge"))


def reviewed(clusterer: Clusterer, reviewer: MergeReviewer | None) -> Clusterer:
    """`clusterer`, then the model's review of borderline pairs (unchanged without a reviewer)."""
    if reviewer is None:
        return clusterer

    def review(texts: Sequence[str]) -> Clusters:
        result = clusterer(texts)
        if not isinstance(result, ClusterResult):
            return result
        return review_pairs(result, texts, reviewer)

    return review


def review_pairs(
    result: ClusterResult, texts: Sequence[str], reviewer: MergeReviewer
) -> ClusterResult:
    """Join the borderline pairs the model calls one subject (transitively)."""
    parent = list(range(len(result.themes)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, second in borderline_pairs(result.themes):
        if root(first) == root(second):
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
    if len(groups) == len(result.themes):
        return result
    return _rebuilt(result, [_joined(themes) for themes in groups.values()])


def borderline_pairs(themes: Sequence[Theme]) -> list[tuple[int, int]]:
    """Pairs of themes with centroid cosine >= BORDERLINE, closest first (ties: by index)."""
    scored = []
    for i, first in enumerate(themes):
        for j in range(i + 1, len(themes)):
            second = themes[j]
            if first.centroid and len(first.centroid) == len(second.centroid):
                cosine = sum(a * b for a, b in zip(first.centroid, second.centroid, strict=True))
                if cosine >= BORDERLINE:
                    scored.append((-cosine, i, j))
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
