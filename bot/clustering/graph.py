"""Themes as communities of a nearest-neighbour graph (Leiden), for sentence embeddings.

Average linkage with one cut splits BANKING77 into ~250 pieces at its best ARI: a single cut
cannot suit both tight and loose subjects. On a graph where each question links to its most
similar questions, a subject is a group that links inside more than a random graph with the
same degrees would (the RB configuration model), whatever its own tightness. Tuned on
BANKING77 train samples only (docs/clustering.md).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

NEIGHBOURS = 10
MIN_EDGE_SIMILARITY = 0.4
RESOLUTION = 8.0
_CHUNK = 2_048

Rows = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]


def centred(rows: Rows) -> Rows:
    """Rows minus their mean direction, renormalised.

    Questions to one help desk share a direction ("a question about work"); removing it
    leaves what tells subjects apart, so "vpn not working" and "wifi not working" stop
    looking alike. All-zero rows (no text) stay zero.
    """
    if len(rows) < 2:
        return rows.copy()
    shifted = rows - rows.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    unit = np.where(norms > 1e-6, shifted / np.maximum(norms, 1e-12), 0.0)
    return np.ascontiguousarray(unit, dtype=np.float32)


def neighbour_edges(
    rows: Rows, neighbours: int = NEIGHBOURS, min_similarity: float = MIN_EDGE_SIMILARITY
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Each row's `neighbours` most similar rows, kept when cosine >= `min_similarity`."""
    n = len(rows)
    picked = min(neighbours, n - 1)
    sources, targets, weights = [], [], []
    for start in range(0, n, _CHUNK):
        similarity = rows[start : start + _CHUNK] @ rows.T
        local = np.arange(len(similarity))
        similarity[local, local + start] = -np.inf
        nearest = np.argpartition(-similarity, picked - 1, axis=1)[:, :picked]
        near = similarity[local[:, None], nearest]
        keep = near >= min_similarity
        sources.append(np.broadcast_to((local + start)[:, None], nearest.shape)[keep])
        targets.append(nearest[keep])
        weights.append(near[keep])
    return (
        np.concatenate(sources).astype(np.int64),
        np.concatenate(targets).astype(np.int64),
        np.concatenate(weights).astype(np.float32),
    )


def leiden_labels(
    rows: Rows,
    *,
    neighbours: int = NEIGHBOURS,
    min_similarity: float = MIN_EDGE_SIMILARITY,
    resolution: float = RESOLUTION,
    seed: int = 0,
) -> Labels:
    """Leiden communities of the rows' neighbour graph, labelled 0..k-1 (same seed, same result)."""
    import igraph
    import leidenalg

    n = len(rows)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    sources, targets, weights = neighbour_edges(rows, neighbours, min_similarity)
    graph = igraph.Graph(
        n=n,
        edges=np.column_stack([sources, targets]).tolist(),
        edge_attrs={"weight": weights.tolist()},
    )
    # A pair that picked each other is one edge, with their (equal) similarity.
    graph.to_undirected(mode="collapse", combine_edges="max")
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
    )
    return np.asarray(partition.membership, dtype=np.int64)
