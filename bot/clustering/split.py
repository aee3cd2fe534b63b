"""Cutting one theme in two (for the model's review of loose themes, bot/digest/theme_review.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.clustering.labels import (
    EXAMPLES,
    central_members,
    cohesion_per_theme,
    label_for,
    unit_centroids,
)
from bot.clustering.types import Theme

MIN_HALF = 2


def two_halves(rows: npt.NDArray[np.float32], seed: int = 0) -> npt.NDArray[np.int64] | None:
    """0/1 per row by 2-means on unit rows, or None when a half would be under MIN_HALF."""
    from sklearn.cluster import KMeans

    if len(rows) < 2 * MIN_HALF or len(np.unique(rows, axis=0)) < 2:
        return None
    halves = KMeans(2, n_init=3, random_state=seed).fit_predict(rows.astype(np.float64))
    sizes = np.bincount(halves, minlength=2)
    return np.asarray(halves, dtype=np.int64) if sizes.min() >= MIN_HALF else None


def theme_of(
    parent: Theme, members: Sequence[int], rows: npt.NDArray[np.float32], texts: Sequence[str]
) -> Theme:
    """A theme for `members` (indices into `texts`, `rows` theirs in order) cut from `parent`.

    It keeps the parent's key terms (matching by words is only the fallback); its label,
    examples, centroid and cohesion are its own.
    """
    one_theme = np.zeros(len(members), dtype=np.int64)
    centroids = unit_centroids(rows, one_theme)
    order = [members[i] for i in central_members(rows, one_theme)[0]]
    return Theme(
        index=parent.index,
        size=len(members),
        label=label_for(texts[order[0]]),
        key_terms=parent.key_terms,
        member_indices=tuple(sorted(members)),
        examples=tuple(order[:EXAMPLES]),
        centroid=tuple(centroids[0].tolist()),
        cohesion=round(float(cohesion_per_theme(rows, one_theme, centroids)[0]), 6),
    )
