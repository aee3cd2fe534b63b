"""The knowledge base: Markdown passages searched with BM25 (Okapi, k1=1.2, b=0.75)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.answering.markdown import read_passages
from bot.answering.text import tokens
from bot.answering.types import Passage

K1 = 1.2
B = 0.75
MIN_COVERAGE = 0.3
"""A hit must contain at least this idf-weighted share of the question's words."""


@dataclass(frozen=True)
class Hit:
    """A retrieved passage; `coverage` in [0, 1] is the idf-weighted share of query words it has."""

    passage: Passage
    score: float
    coverage: float


class KnowledgeBase:
    """An in-memory inverted index over knowledge passages."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self._lengths: list[int] = []
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for index, passage in enumerate(passages):
            words = tokens(f"{passage.title} {passage.heading} {passage.text}")
            self._lengths.append(len(words))
            for word, count in Counter(words).items():
                self._postings.setdefault(word, []).append((index, count))
        self._average = sum(self._lengths) / len(passages) if passages else 1.0

    @classmethod
    def load(cls, folder: Path | None) -> KnowledgeBase:
        """Read every `*.md` under `folder`, recursively; None or a missing folder: no passages."""
        if folder is None or not folder.is_dir():
            return cls([])
        passages: list[Passage] = []
        for path in sorted(folder.rglob("*.md")):
            if path.is_file():
                passages.extend(read_passages(path, folder))
        return cls(passages)

    def idf(self, word: str) -> float:
        """BM25's idf (never negative: Lucene's variant)."""
        n = len(self.passages)
        df = len(self._postings.get(word, ()))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def weight(self, word: str) -> float:
        """A word's share in coverage: 1 for a word in every passage, more the rarer it is.

        Unknown words weigh like the rarest, so an off-topic question gets low coverage, but
        unlike BM25's idf a word found everywhere still counts, which matters in small folders.
        """
        n = len(self.passages)
        return 1.0 + math.log((n + 1) / (len(self._postings.get(word, ())) + 1))

    def search(self, query: str, *, limit: int = 5) -> list[Hit]:
        """The best passages for `query` with coverage >= MIN_COVERAGE, best first."""
        words = list(dict.fromkeys(tokens(query)))
        if not words or not self.passages:
            return []
        idf = {word: self.idf(word) for word in words}
        weights = {word: self.weight(word) for word in words}
        total = sum(weights.values())
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        for word in words:
            for index, count in self._postings.get(word, ()):
                norm = K1 * (1 - B + B * self._lengths[index] / self._average)
                scores[index] = scores.get(index, 0.0) + idf[word] * count * (K1 + 1) / (
                    count + norm
                )
                covered[index] = covered.get(index, 0.0) + weights[word]
        ranked = sorted(scores, key=lambda i: (-scores[i], i))
        hits = [Hit(self.passages[i], scores[i], covered[i] / total) for i in ranked]
        return [hit for hit in hits if hit.coverage >= MIN_COVERAGE][:limit]
