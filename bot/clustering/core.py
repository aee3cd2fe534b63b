"""cluster_texts: embed, group, then describe each theme."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.clustering.grouping import MAX_EXACT_ROWS, group_rows
from bot.clustering.labels import EXAMPLES, central_members, key_terms_per_theme, label_for
from bot.clustering.types import ClusterResult, Theme
from bot.clustering.vectorize import TextEmbedder, TfidfEmbedder

# Failures are questions and answers; a pasted log must not cost minutes of n-grams.
MAX_TEXT_CHARS = 2_000


def cluster_texts(
    texts: Sequence[str],
    *,
    embedder: TextEmbedder | None = None,
    seed: int = 0,
    max_exact_rows: int = MAX_EXACT_ROWS,
) -> ClusterResult:
    """Group short texts into themes (count not given), numbered by size, 0 = largest."""
    if not texts:
        return ClusterResult(labels=[], themes=[])
    clipped = [str(text)[:MAX_TEXT_CHARS] for text in texts]
    chosen = embedder if embedder is not None else TfidfEmbedder(seed=seed)
    rows = np.ascontiguousarray(chosen.embed(clipped), dtype=np.float32)
    cut_for = getattr(chosen, "cut_for", None)  # optional hook: a cut that depends on the input
    cut = float(cut_for(clipped)) if callable(cut_for) else chosen.default_cut
    raw = _group(clipped, rows, cut, seed, max_exact_rows)
    refine = getattr(chosen, "refine", None)  # optional hook, e.g. folding tiny clusters
    if callable(refine):
        raw = np.asarray(refine(rows, raw), dtype=np.int64)
    labels = _by_size(raw)
    return ClusterResult(labels=labels.tolist(), themes=_describe(clipped, rows, labels))


def _group(
    texts: list[str], rows: npt.NDArray[np.float32], cut: float, seed: int, max_exact_rows: int
) -> npt.NDArray[np.int64]:
    """Cluster rows with a direction; texts without one (empty, no features) group by text."""
    labels = np.zeros(len(texts), dtype=np.int64)
    has_vector = np.linalg.norm(rows, axis=1) > 0.5
    embedded = np.flatnonzero(has_vector)
    if len(embedded):
        labels[embedded] = group_rows(rows[embedded], cut, seed=seed, max_exact_rows=max_exact_rows)
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
    texts: list[str], rows: npt.NDArray[np.float32], labels: npt.NDArray[np.int64]
) -> list[Theme]:
    """Build a Theme (key terms, label, central examples) for every theme index."""
    terms = key_terms_per_theme(texts, labels)
    members = central_members(rows, labels)
    themes = []
    for index, (theme_terms, ordered) in enumerate(zip(terms, members, strict=True)):
        themes.append(
            Theme(
                index=index,
                size=len(ordered),
                label=label_for(theme_terms, texts[ordered[0]]),
                key_terms=tuple(theme_terms),
                member_indices=tuple(sorted(ordered)),
                examples=tuple(ordered[:EXAMPLES]),
            )
        )
    return themes
