"""The knowledge base: passages of Markdown, text, HTML and PDF files, searched with BM25
(Okapi, k1=1.2, b=0.75).

Passages and questions go through the same light stemmer (bot/answering/stem.py); questions also
get workplace synonyms (bot/answering/synonyms.py). Ranking is BM25 over question *concepts* (a
word or any of its synonyms, whichever scores best), and a hit must cover enough of them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.answering.documents import knowledge_files, read_document
from bot.answering.stem import terms
from bot.answering.synonyms import SYNONYM_CREDIT, Concept, concepts
from bot.answering.types import Passage

K1 = 1.2
B = 0.75
MIN_COVERAGE = 0.3
"""A hit must contain at least this weighted share of the question's concepts."""
UNKNOWN_WEIGHT = 1.0
"""The weight of a question word found nowhere in the knowledge, in a strong match (`search`)."""


@dataclass(frozen=True)
class BrokenFile:
    """A knowledge file that was skipped, and why (relative path, POSIX style)."""

    path: str
    reason: str


@dataclass(frozen=True)
class KnowledgeLoad:
    """A loaded knowledge folder, with the files that could not be read."""

    knowledge: KnowledgeBase
    broken: tuple[BrokenFile, ...]

    @property
    def documents(self) -> int:
        """Files that gave passages."""
        return self.knowledge.documents


class ParsedFiles:
    """Each file's passages (or why it broke), kept by its modification time and size, so a
    reload parses only the files that changed (a folder of PDFs takes seconds to parse whole)."""

    def __init__(self) -> None:
        self._parsed: dict[Path, tuple[tuple[int, int], list[Passage] | BrokenFile]] = {}
        self.parses = 0  # files actually parsed, for the bench and tests

    def read(self, path: Path, folder: Path) -> list[Passage] | BrokenFile:
        """The file's passages, parsed again only when it changed since the last read."""
        try:
            stat = path.stat()
        except OSError as error:
            return _broken(path, folder, error)
        key = (stat.st_mtime_ns, stat.st_size)
        known = self._parsed.get(path)
        if known is not None and known[0] == key:
            return known[1]
        self.parses += 1
        try:
            result: list[Passage] | BrokenFile = read_document(path, folder)
        except (OSError, ValueError) as error:
            result = _broken(path, folder, error)
        self._parsed[path] = (key, result)
        return result

    def keep_only(self, paths: set[Path]) -> None:
        """Forget removed files."""
        for gone in self._parsed.keys() - paths:
            del self._parsed[gone]


def _broken(path: Path, folder: Path, error: OSError | ValueError) -> BrokenFile:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else error
    return BrokenFile(path.relative_to(folder).as_posix(), str(reason))


def load_folder(folder: Path | None, parsed: ParsedFiles | None = None) -> KnowledgeLoad:
    """Read every knowledge file; a broken one is skipped and named, the rest still load.

    With `parsed` (kept between calls), an unchanged file is not parsed again.
    """
    if folder is None or not folder.is_dir():
        return KnowledgeLoad(KnowledgeBase([]), ())
    parsed = parsed if parsed is not None else ParsedFiles()
    passages: list[Passage] = []
    broken: list[BrokenFile] = []
    files = knowledge_files(folder)
    for path in files:
        result = parsed.read(path, folder)
        if isinstance(result, BrokenFile):
            broken.append(result)
        else:
            passages.extend(result)
    parsed.keep_only(set(files))
    return KnowledgeLoad(KnowledgeBase(passages), tuple(broken))


@dataclass(frozen=True)
class Hit:
    """A retrieved passage; `coverage` in [0, 1]: the weighted share of question concepts in it."""

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
            words = terms(f"{passage.title} {passage.heading} {passage.text}")
            self._lengths.append(len(words))
            for word, count in Counter(words).items():
                self._postings.setdefault(word, []).append((index, count))
        self._average = sum(self._lengths) / len(passages) if passages else 1.0

    @classmethod
    def load(cls, folder: Path | None) -> KnowledgeBase:
        """Every knowledge file under `folder`, recursively; None or a missing folder: none."""
        return load_folder(folder).knowledge

    @property
    def documents(self) -> int:
        """How many files the passages came from."""
        return len({passage.path for passage in self.passages})

    def idf(self, term: str) -> float:
        """BM25's idf of a stemmed term (never negative: Lucene's variant)."""
        n = len(self.passages)
        df = len(self._postings.get(term, ()))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def weight(self, concept: Concept) -> float | None:
        """A concept's share in coverage: 1 for a word in every passage, more the rarer it is.

        The word's own rarity counts, else its rarest synonym's; None when the knowledge never
        mentions it. Unlike BM25's idf a word found everywhere still counts (small folders).
        """
        known = [t for t in concept.all_terms if t in self._postings]
        if not known:
            return None
        first = known[0] if known[0] == concept.term else min(known, key=self._df)
        return 1.0 + math.log((len(self.passages) + 1) / (self._df(first) + 1))

    def _df(self, term: str) -> int:
        return len(self._postings.get(term, ()))

    def search(self, query: str, *, limit: int = 5) -> list[Hit]:
        """The best passages for `query` with coverage >= MIN_COVERAGE, best first.

        Coverage is the weighted share of the question's concepts a passage has. A concept the
        knowledge never mentions weighs like the rarest word, so an off-topic question ("is
        there parking at the office?") matches nothing. But in a *strong* match, a passage with
        every known concept, at least two, it weighs only UNKNOWN_WEIGHT: "expense a taxi
        *ride*" is still answered from the Taxis section.
        """
        wanted = concepts(query)
        if not wanted or not self.passages:
            return []
        known = [(c, w) for c in wanted if (w := self.weight(c)) is not None]
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        matched: Counter[int] = Counter()
        for concept, weight in known:
            for index, (score, credit) in self._matches(concept).items():
                scores[index] = scores.get(index, 0.0) + score
                covered[index] = covered.get(index, 0.0) + weight * credit
                matched[index] += 1
        known_total = sum(w for _, w in known)
        unknown = len(wanted) - len(known)
        rarest = 1.0 + math.log(len(self.passages) + 1)
        hits = []
        for index in sorted(scores, key=lambda i: (-scores[i], i)):
            strong = matched[index] == len(known) >= 2
            total = known_total + unknown * (UNKNOWN_WEIGHT if strong else rarest)
            hits.append(Hit(self.passages[index], scores[index], covered[index] / total))
        return [hit for hit in hits if hit.coverage >= MIN_COVERAGE][:limit]

    def _matches(self, concept: Concept) -> dict[int, tuple[float, float]]:
        """Per passage: the concept's BM25 score and its coverage credit.

        The word and its synonyms act as one term (as Lucene's SynonymQuery does): their counts
        add up, synonyms at SYNONYM_CREDIT, before BM25's saturation, and the idf is the word's
        own (a rarer synonym must not outrank passages that use the asker's word) or, for a word
        the knowledge lacks, its commonest synonym's.
        """
        counts: dict[int, float] = {}
        credits: dict[int, float] = {}
        for term in concept.all_terms:
            credit = 1.0 if term == concept.term else SYNONYM_CREDIT
            for index, count in self._postings.get(term, ()):
                counts[index] = counts.get(index, 0.0) + credit * count
                credits[index] = max(credits.get(index, 0.0), credit)
        known = [t for t in concept.all_terms if t in self._postings]
        idf = self.idf(concept.term if concept.term in self._postings else max(known, key=self._df))
        found: dict[int, tuple[float, float]] = {}
        for index, tf in counts.items():
            norm = K1 * (1 - B + B * self._lengths[index] / self._average)
            found[index] = (idf * tf * (K1 + 1) / (tf + norm), credits[index])
        return found
