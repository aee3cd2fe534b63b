"""cluster_texts: embed, group, then describe each theme."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.clustering.grouping import MAX_EXACT_ROWS, group_rows
from bot.clustering.labels import (
    EXAMPLES,
    central_members,
    cohesion_per_theme,
    key_terms_per_theme,
    label_for,
    unit_centroids,
)
from bot.clustering.types import ClusterResult, Theme
from bot.clustering.vectorize import TextEmbedder, make_embedder

Grouping = Callable[[npt.NDArray[np.float32]], npt.NDArray[np.int64]]
# Failures are questions and answers; a pasted log must not cost minutes of n-grams.
MAX_TEXT_CHARS = 2_000


def cluster_texts(
    texts: Sequence[str],
    *,
    embedder: TextEmbedder | None = None,
    seed: int = 0,
    max_exact_rows: int = MAX_EXACT_ROWS,
) -> ClusterResult:
    """Group short texts into themes (count not given), numbered by size, 0 = largest.

    The embedder defaults to "auto": MiniLM when its model is installed, else TF-IDF.
    """
    if not texts:
        return ClusterResult(labels=[], themes=[])
    clipped = [str(text)[:MAX_TEXT_CHARS] for text in texts]
    chosen = embedder if embedder is not None else make_embedder("auto", seed=seed)
    rows = np.ascontiguousarray(chosen.embed(clipped), dtype=np.float32)
    group = getattr(chosen, "group", None)  # optional hook: the embedder's own grouping
    cut_for = getattr(chosen, "cut_for", None)  # optional hook: a cut for this input
    cut = float(cut_for(clipped)) if callable(cut_for) else chosen.default_cut

    def grouping(part: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]:
        if callable(group):
            return np.asarray(group(part, seed=seed, max_exact_rows=max_exact_rows), np.int64)
        return group_rows(part, cut, seed=seed, max_exact_rows=max_exact_rows)

    labels = _by_size(_group(clipped, rows, grouping))
    space = getattr(chosen, "space", None)  # optional: a model whose rows compare across runs
    themes = _describe(clipped, rows, labels, with_centroids=space is not None)
    return ClusterResult(labels=labels.tolist(), themes=themes, space=space)


def _group(
    texts: list[str], rows: npt.NDArray[np.float32], grouping: Grouping
) -> npt.NDArray[np.int64]:
    """Cluster rows with a direction; texts without one (empty, no features) group by text."""
    labels = np.zeros(len(texts), dtype=np.int64)
    has_vector = np.linalg.norm(rows, axis=1) > 0.5
    embedded = np.flatnonzero(has_vector)
    if len(embedded):
        labels[embedded] = grouping(rows[embedded])
    offset = int(labels[embedded].max()) + 1 if len(embedded) else 0
    blank = np.flatnonzero(~has_vector)
    if len(blank):
        keys = [" ".join(texts[i].split()).casefold() for i in blank]
        _, blank_labels = np.unique(np.asarray(keys, dtype=object), return_inverse=True)
        labels[blank] = blank_labels.reshape(-1) + offset
    return labels


def _by_size(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Renumber themes by size descending; equal sizes keep first-appearance order."""
    ids, first, counts = np.unique(raw, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank[np.searchsorted(ids, raw)]


def _describe(
    texts: list[str],
    rows: npt.NDArray[np.float32],
    labels: npt.NDArray[np.int64],
    *,
    with_centroids: bool,
) -> list[Theme]:
    """Build a Theme (key terms, label, central examples, centroid) for every theme index."""
    terms = key_terms_per_theme(texts, labels)
    members = central_members(rows, labels)
    centroids = unit_centroids(rows, labels) if with_centroids else None
    cohesion = cohesion_per_theme(rows, labels, centroids) if centroids is not None else None
    themes = []
    for index, (theme_terms, ordered) in enumerate(zip(terms, members, strict=True)):
        themes.append(
            Theme(
                index=index,
                size=len(ordered),
                label=label_for(texts[ordered[0]]),
                key_terms=tuple(theme_terms),
                member_indices=tuple(sorted(ordered)),
                examples=tuple(ordered[:EXAMPLES]),
                centroid=() if centroids is None else tuple(centroids[index].tolist()),
                cohesion=1.0 if cohesion is None else round(float(cohesion[index]), 6),
            )
        )
    return themes
