"""Theme descriptions: distinctive terms (class-based TF-IDF, for matching) and a label a person
reads (the most central question)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

KEY_TERMS = 5
EXAMPLES = 3
_CANDIDATES = 15
LABEL_CHARS = 80
# Words that are frequent in questions but name no topic.
_EXTRA_STOP_WORDS = frozenset(
    "hi hello hey thanks thank please just need want know tell help does did doing im ive "
    "get got make way like can could would should really still yes ok okay dont cant".split()
)


def key_terms_per_theme(texts: Sequence[str], labels: npt.NDArray[np.int64]) -> list[list[str]]:
    """Most distinctive word 1-2 grams of each theme (c-TF-IDF), stopwords removed."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    k = int(labels.max()) + 1 if len(labels) else 0
    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words=sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP_WORDS),
        token_pattern=r"(?u)\b[^\W\d_]{2,30}(?:-[^\W\d_]{1,30})*\b",  # "wi-fi" is one word
    )
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no usable words anywhere (empty strings, stopwords only)
        return [[] for _ in range(k)]
    onehot = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    per_theme = sparse.csr_matrix(onehot @ counts, dtype=np.float64)
    words_per_theme = np.asarray(per_theme.sum(axis=1)).ravel()
    term_totals = np.asarray(per_theme.sum(axis=0)).ravel()
    idf = np.log1p(max(float(words_per_theme.mean()), 1.0) / np.maximum(term_totals, 1.0))
    vocabulary = [str(term) for term in vectorizer.get_feature_names_out()]
    return [_top_terms(per_theme, row, idf, vocabulary) for row in range(k)]


def _top_terms(
    per_theme: sparse.csr_matrix, row: int, idf: npt.NDArray[np.float64], vocabulary: list[str]
) -> list[str]:
    """Best-scoring terms of one theme (term frequency in the theme x rarity elsewhere)."""
    start, end = per_theme.indptr[row], per_theme.indptr[row + 1]
    columns = per_theme.indices[start:end]
    total = max(float(per_theme.data[start:end].sum()), 1.0)
    scores = per_theme.data[start:end] / total * idf[columns]
    # Ties break alphabetically so labels never depend on vocabulary order quirks.
    order = sorted(range(len(columns)), key=lambda i: (-scores[i], vocabulary[columns[i]]))
    return _distinct([vocabulary[columns[i]] for i in order[:_CANDIDATES]])[:KEY_TERMS]


def _distinct(terms: list[str]) -> list[str]:
    """Skip terms that add no new word; a bigram replaces a term it contains ("card")."""
    chosen: list[list[str]] = []
    for term in terms:
        words = {_singular(word) for word in term.split()}
        said = {word for _, *group in chosen for word in group}
        if words <= said:
            continue
        inside = [i for i, (_, *group) in enumerate(chosen) if set(group) < words]
        entry = [term, *sorted(words)]
        if inside:
            chosen[inside[0]] = entry
            chosen = [c for i, c in enumerate(chosen) if i not in inside[1:]]
        else:
            chosen.append(entry)
    return [entry[0] for entry in chosen]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def label_for(example_text: str) -> str:
    """A theme's label: its most central question, clipped at a word to read at a glance."""
    text = " ".join(example_text.split())
    if not text:
        return "(empty text)"
    if len(text) <= LABEL_CHARS:
        return text
    clipped = text[: LABEL_CHARS - 1].rsplit(" ", 1)[0] if " " in text[:LABEL_CHARS] else text
    return clipped[: LABEL_CHARS - 1].rstrip(" ,.;:?!") + "…"


def unit_centroids(
    rows: npt.NDArray[np.float32], labels: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """The L2-normalised mean row of every theme index."""
    k = int(labels.max()) + 1 if len(labels) else 0
    onehot = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    sums = np.asarray(onehot @ rows.astype(np.float64))
    centroids: npt.NDArray[np.float64] = sums / np.maximum(
        np.linalg.norm(sums, axis=1, keepdims=True), 1e-12
    )
    return centroids


def cohesion_per_theme(
    rows: npt.NDArray[np.float32], labels: npt.NDArray[np.int64], centroids: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Mean cosine of each theme's members to its unit centroid."""
    closeness = np.einsum("ij,ij->i", rows.astype(np.float64), centroids[labels])
    totals = np.bincount(labels, weights=closeness, minlength=len(centroids))
    counts = np.maximum(np.bincount(labels, minlength=len(centroids)), 1)
    cohesion: npt.NDArray[np.float64] = totals / counts
    return cohesion


def central_members(
    rows: npt.NDArray[np.float32], labels: npt.NDArray[np.int64]
) -> list[list[int]]:
    """Members of every theme ordered by closeness to the theme centroid (ties: input order)."""
    k = int(labels.max()) + 1 if len(labels) else 0
    centroids = unit_centroids(rows, labels)
    closeness = np.einsum("ij,ij->i", rows.astype(np.float64), centroids[labels])
    # Rounding makes float noise unable to reorder equally central members.
    order = np.lexsort((np.arange(len(labels)), -np.round(closeness, 6), labels))
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[t] : bounds[t + 1]].tolist() for t in range(k)]
