"""Result types of clustering: themes and the per-input labels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """One theme: a group of similar texts with readable key terms."""

    index: int
    size: int
    label: str
    key_terms: tuple[str, ...]
    member_indices: tuple[int, ...]
    examples: tuple[int, ...]
    centroid: tuple[float, ...] = ()  # unit mean embedding, when the space is stable (`space`)
    cohesion: float = 1.0  # mean cosine of the members to the centroid: low = maybe two subjects


@dataclass(frozen=True)
class ClusterResult:
    """Themes numbered by size (0 = largest) and the theme index of every input."""

    labels: list[int]
    themes: list[Theme]
    space: str | None = None
    """The embedding model the centroids live in; None when the space is fitted per input
    (TF-IDF), so centroids of two runs cannot be compared."""
