"""Group embedded rows: exact average linkage when small, sample-then-assign when large."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

MAX_EXACT_ROWS = 4_000
_ASSIGN_CHUNK = 8_192

Labels = npt.NDArray[np.int64]
Rows = npt.NDArray[np.float32]
ExactGrouping = Callable[[Rows], Labels]


def average_linkage(rows: Rows, cut: float) -> Labels:
    """Cluster rows by average cosine linkage cut at distance `cut`; labels are 0..k-1."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(rows) == 1:
        return np.zeros(1, dtype=np.int64)
    distances = np.clip(np.nan_to_num(pdist(rows, "cosine"), nan=1.0), 0.0, 2.0)
    tree = linkage(distances, method="average")
    return np.asarray(fcluster(tree, t=cut, criterion="distance"), dtype=np.int64) - 1


def group_rows(
    rows: Rows,
    cut: float,
    *,
    seed: int = 0,
    max_exact_rows: int = MAX_EXACT_ROWS,
    exact: ExactGrouping | None = None,
) -> Labels:
    """Cluster L2-normalised rows without an all-pairs matrix over more than `max_exact_rows`.

    `exact` groups a set of rows at once (default: average linkage cut at `cut`). Large
    inputs: group a seeded sample exactly, attach every other row to the theme with the
    highest average similarity if that passes `cut` (the rule average linkage itself uses),
    and repeat on the rows left over so far-away texts open themes.
    """
    grouped = exact if exact is not None else (lambda part: average_linkage(part, cut))
    rng = np.random.default_rng(seed)
    labels = np.full(len(rows), -1, dtype=np.int64)
    remaining = np.arange(len(rows))
    next_label = 0
    while len(remaining) > max_exact_rows:
        sample = np.sort(rng.choice(remaining, max_exact_rows, replace=False))
        sample_labels = grouped(rows[sample])
        rest = np.setdiff1d(remaining, sample, assume_unique=True)
        best, close = _attach(rows, rest, _mean_rows(rows[sample], sample_labels), cut)
        labels[sample] = sample_labels + next_label
        labels[rest[close]] = best[close] + next_label
        next_label += int(sample_labels.max()) + 1
        remaining = rest[~close]
    labels[remaining] = grouped(rows[remaining]) + next_label
    return labels


def _mean_rows(rows: Rows, labels: Labels) -> npt.NDArray[np.float32]:
    """Unnormalised mean row per label: x . mean is x's average similarity to the members."""
    k = int(labels.max()) + 1
    sums = np.zeros((k, rows.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, rows)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    return (sums / counts[:, None]).astype(np.float32)


def _attach(
    rows: Rows, candidates: npt.NDArray[np.int64], means: npt.NDArray[np.float32], cut: float
) -> tuple[Labels, npt.NDArray[np.bool_]]:
    """Best theme per candidate row, and whether its average distance is within the cut."""
    best = np.zeros(len(candidates), dtype=np.int64)
    close = np.zeros(len(candidates), dtype=bool)
    for start in range(0, len(candidates), _ASSIGN_CHUNK):
        part = slice(start, start + _ASSIGN_CHUNK)
        similarity = rows[candidates[part]] @ means.T
        best[part] = np.argmax(similarity, axis=1)
        close[part] = 1.0 - similarity[np.arange(len(similarity)), best[part]] <= cut
    return best, close
