"""Cluster failures into themes with the number of themes NOT given (docs/clustering.md).

Offline by default (TF-IDF + average cosine linkage); MiniLM with the [semantic] extra.
"""

from bot.clustering.core import MAX_TEXT_CHARS, cluster_texts
from bot.clustering.types import ClusterResult, Theme
from bot.clustering.vectorize import (
    EmbedderUnavailable,
    TextEmbedder,
    TfidfEmbedder,
    Vectors,
    make_embedder,
)

__all__ = [
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
