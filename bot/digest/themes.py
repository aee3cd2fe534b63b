"""Turning a week's clusters into Theme rows that carry across weeks.

A new cluster continues an existing theme of the same owner when they mean the same: the
cosine of their mean embeddings (all-MiniLM-L6-v2) is at least SUBJECT_MATCH, so "when do we
get paid" continues last week's "what day is payday". A theme saved without a centroid, or an
install without the model, falls back to words: key terms that overlap (half of the smaller set)
or key-term labels that read alike. Otherwise the cluster starts a new theme.
The label a person reads is another one (`relabel`). Each existing theme takes
at most one cluster per period. Status is derived, not stored: `new` (first seen this
period), `regressed` (marked fixed, then failed again for the first time this period) or
`recurring`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rapidfuzz import fuzz

from bot.digest.period import Period
from bot.digest.representative import representative_question
from storage.models import Theme
from storage.queries.base import as_utc
from storage.queries.digest import FailureRecord

TERM_OVERLAP = 0.5
SUBJECT_MATCH = 0.65
"""Centroid cosine; tuned on a two-week split of BANKING77 train (docs/clustering.md)."""
LABEL_SIMILARITY = 85.0
KIND_REASONS = {"down": "thumbs down", "correction": "corrected", "report": "reported"}
MAX_CLUSTER_TEXTS = 5000
"""Distinct questions clustered per owner and week; more are rare and would only slow the run."""
Item = TypeVar("Item")
LABEL_TERMS = 3  # key terms in the label a theme is matched by


class ClusterTheme(Protocol):
    """What we read from one theme of `bot.clustering.cluster_texts`."""

    @property
    def label(self) -> str: ...
    @property
    def key_terms(self) -> tuple[str, ...]: ...
    @property
    def member_indices(self) -> Sequence[int]: ...


class Clusters(Protocol):
    """What we read from a `ClusterResult`."""

    @property
    def themes(self) -> Sequence[ClusterTheme]: ...


Clusterer = Callable[[Sequence[str]], Clusters]
Labeler = Callable[[Sequence[str], Sequence[str]], str | None]
"""(key terms, example questions) -> a display label, or None to keep the key-term label."""


class ThemeStore(Protocol):
    """The Store methods theme assignment uses."""

    def themes_for_owner(self, owner_id: int) -> list[Theme]: ...
    def save_theme(self, theme: Theme) -> Theme: ...
    def tag_feedback(self, theme_id: int, feedback_ids: Sequence[int]) -> None: ...


def default_clusterer(texts: Sequence[str]) -> Clusters:
    """bot.clustering with its offline default embedder and seed 0 (imported when first used)."""
    from bot.clustering import cluster_texts

    return cluster_texts(texts, seed=0)


@dataclass(frozen=True)
class ThemeGroup:
    """A persisted theme and this period's failures in it."""

    theme: Theme
    failures: tuple[FailureRecord, ...]


def similarity(theme: Theme, cluster: ClusterTheme, space: str | None = None) -> float:
    """0..1: how well a cluster continues a theme (0 = not at all).

    By meaning when both have a centroid in the same `space`, else by words.
    """
    centroid: Sequence[float] = getattr(cluster, "centroid", ())
    if space and theme.centroid and centroid and theme.centroid_model == space:
        similar = cosine(theme.centroid, centroid)
        return similar if similar >= SUBJECT_MATCH else 0.0
    mine, theirs = set(theme.key_terms), set(cluster.key_terms)
    overlap = len(mine & theirs) / min(len(mine), len(theirs)) if mine and theirs else 0.0
    theirs_label = _terms_label(cluster.key_terms, cluster.label)
    label = fuzz.token_set_ratio(matching_label(theme).lower(), theirs_label.lower())
    if overlap >= TERM_OVERLAP or label >= LABEL_SIMILARITY:
        return max(overlap, label / 100)
    return 0.0


def matching_label(theme: Theme) -> str:
    """The key-term label a theme is matched by; its display label may be model-written."""
    return _terms_label(theme.key_terms, theme.label)


def _terms_label(key_terms: Sequence[str], label: str) -> str:
    return " · ".join(key_terms[:LABEL_TERMS]) if key_terms else label


def cosine(first: Sequence[float], second: Sequence[float]) -> float:
    """Cosine of two vectors (0 when their lengths differ or one is zero)."""
    if len(first) != len(second):
        return 0.0
    dot = sum(a * b for a, b in zip(first, second, strict=True))
    norms = math.sqrt(sum(a * a for a in first) * sum(b * b for b in second))
    return dot / norms if norms > 0 else 0.0


def best_match(
    themes: Sequence[Theme], cluster: ClusterTheme, used: set[int], space: str | None = None
) -> Theme | None:
    """The existing theme this cluster continues, or None for a new theme."""
    scored = [(similarity(t, cluster, space), -(t.id or 0), t) for t in themes if t.id not in used]
    scored = [item for item in scored if item[0] > 0]
    return max(scored, key=lambda item: (item[0], item[1]))[2] if scored else None


def top_reason(failures: Sequence[FailureRecord]) -> str | None:
    """The most common reason (a report reason, or the kind for thumbs/corrections/errors)."""
    reasons = Counter(f.reason or KIND_REASONS.get(f.kind, f.kind) for f in failures)
    return min(reasons.items(), key=lambda item: (-item[1], item[0]))[0] if reasons else None


def cluster_questions(
    items: Sequence[Item], question_of: Callable[[Item], str], clusterer: Clusterer
) -> list[tuple[ClusterTheme, list[Item]]]:
    """Cluster items by their question; each cluster with its items (flagged or unflagged)."""
    return clusters_with_space(items, question_of, clusterer)[0]


def clusters_with_space(
    items: Sequence[Item], question_of: Callable[[Item], str], clusterer: Clusterer
) -> tuple[list[tuple[ClusterTheme, list[Item]]], str | None]:
    """`cluster_questions`, and the embedding space its centroids are in (None: not stable)."""
    # Identical questions are clustered once: weekly failures repeat a lot.
    by_text: dict[str, list[Item]] = {}
    for item in items:
        by_text.setdefault(question_of(item).strip(), []).append(item)
    texts = list(by_text)[-MAX_CLUSTER_TEXTS:]
    result = clusterer(texts)
    space: str | None = getattr(result, "space", None)
    clustered = [
        (cluster, [item for i in cluster.member_indices for item in by_text[texts[i]]])
        for cluster in result.themes
    ]
    return clustered, space


def assign_themes(
    store: ThemeStore,
    owner_id: int,
    failures: Sequence[FailureRecord],
    clusterer: Clusterer,
    labeler: Labeler | None = None,
) -> list[ThemeGroup]:
    """Cluster an owner's failures, continue or create Theme rows, tag the feedback.

    Each theme gets a readable label (see `relabel`); matching still goes by key terms.
    """
    if not failures:
        return []
    existing = store.themes_for_owner(owner_id)
    used: set[int] = set()
    groups = []
    clustered, space = clusters_with_space(failures, _question, clusterer)
    for cluster, members in clustered:
        if not members:
            continue
        matched = best_match(existing, cluster, used, space)
        theme = _continue(matched, owner_id, cluster, members, space)
        relabel(theme, members, labeler)
        saved = store.save_theme(theme)
        assert saved.id is not None
        used.add(saved.id)
        store.tag_feedback(saved.id, [f.feedback_id for f in members if f.feedback_id])
        groups.append(ThemeGroup(saved, tuple(members)))
    return groups


def relabel(theme: Theme, members: Sequence[FailureRecord], labeler: Labeler | None) -> None:
    """Give a theme a label a person reads, once: the model's when a labeler writes one, else
    its most representative question. A question label is upgraded when a model is set later;
    a model-written label is kept (a theme keeps its name week after week)."""
    if theme.label_source == "model" or (theme.label_source == "question" and labeler is None):
        return
    questions = [f.question.strip() for f in members]
    written = labeler(theme.key_terms, list(dict.fromkeys(questions))) if labeler else None
    if written:
        theme.label, theme.label_source = written[:255], "model"
    elif theme.label_source == "terms" and (
        question := representative_question(theme.key_terms, questions)
    ):
        theme.label, theme.label_source = question[:255], "question"


def _continue(
    theme: Theme | None,
    owner_id: int,
    cluster: ClusterTheme,
    members: Sequence[FailureRecord],
    space: str | None,
) -> Theme:
    first = min(f.created_at for f in members)
    last = max(f.created_at for f in members)
    if theme is None:
        theme = Theme(
            owner_id=owner_id, label=cluster.label[:255], first_seen=first, last_seen=last
        )
        theme.key_terms = list(cluster.key_terms)
    else:
        theme.first_seen = min(as_utc(theme.first_seen), first)
        theme.last_seen = max(as_utc(theme.last_seen), last)
    theme.top_reason = top_reason(members)
    _move_centroid(theme, getattr(cluster, "centroid", ()), space)
    if theme.status == "fixed" and theme.fixed_at is not None and last > as_utc(theme.fixed_at):
        theme.status = "open"  # it failed again after "fixed": reopened, shown as regressed
    return theme


def _move_centroid(theme: Theme, centroid: Sequence[float], space: str | None) -> None:
    """This week's meaning joins the theme's, each week weighing the same (slow drift)."""
    if not space or not centroid:
        return
    if theme.centroid and theme.centroid_model == space and len(theme.centroid) == len(centroid):
        summed = [a + b for a, b in zip(theme.centroid, centroid, strict=True)]
    else:
        summed = list(centroid)
    norm = math.sqrt(sum(value * value for value in summed)) or 1.0
    theme.centroid = [round(value / norm, 6) for value in summed]
    theme.centroid_model = space


def _question(failure: FailureRecord) -> str:
    return failure.question


def theme_status(
    theme: Theme, period: Period, members: Sequence[FailureRecord], failed_since_fix: bool
) -> str:
    """new, regressed or recurring for this period (see the module docstring).

    `failed_since_fix`: the theme already failed between its fix and this period's start,
    so that earlier digest showed the regression and this one calls it recurring.
    """
    if as_utc(theme.first_seen) >= period.start:
        return "new"
    fixed_at = as_utc(theme.fixed_at) if theme.fixed_at else None
    if fixed_at and not failed_since_fix and any(f.created_at > fixed_at for f in members):
        return "regressed"
    return "recurring"
