"""Cluster failures into themes with the number of themes NOT given (docs/clustering.md).

Offline always: MiniLM sentence embeddings (in numpy) grouped by average linkage for a weekly
digest and by Leiden communities above that; TF-IDF when the model is not installed.
"""

from bot.clustering.core import MAX_TEXT_CHARS, cluster_texts
from bot.clustering.types import ClusterResult, Theme
from bot.clustering.vectorize import (
    EMBEDDER_KINDS,
    EmbedderUnavailable,
    TextEmbedder,
    TfidfEmbedder,
    Vectors,
    make_embedder,
)

__all__ = [
    "EMBEDDER_KINDS",
    "MAX_TEXT_CHARS",
    "ClusterResult",
    "EmbedderUnavailable",
    "TextEmbedder",
    "TfidfEmbedder",
    "Theme",
    "Vectors",
    "cluster_texts",
    "make_embedder",
]
