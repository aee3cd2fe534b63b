"""Retrieval quality on the demo knowledge, and speed on a synthetic 1,000-file folder.

Quality: the hand-written questions of tests/test_answering_eval.py (40 covered, 8 not), top-1
file accuracy, "I don't know" on uncovered questions, and answers labelled "Grounded" that are
wrong; baseline: the best passage by a rapidfuzz scan, in the same process. Speed: BM25 vs a
rapidfuzz full scan. Reproduce: `python -m bench.bench_retrieval` (seeded; medians in ms).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.answering.knowledge import KnowledgeBase
from bot.answering.types import VerifiedEntry
from bot.answering.verified import match_verified
from tests.test_answering_eval import COVERED, KNOWLEDGE, evaluate

SEED = 20261116
FILES = 1_000
QUERIES = 50


def _vocabulary(rng: random.Random, size: int = 4_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(size)]


def _sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choices(words, k=rng.randint(8, 16))).capitalize() + "."


def write_corpus(folder: Path, rng: random.Random, words: list[str]) -> None:
    """FILES Markdown files, each an H1 and three sections of two paragraphs."""
    for n in range(FILES):
        parts = [f"# {' '.join(rng.choices(words, k=3))}"]
        for _ in range(3):
            parts.append(f"## {' '.join(rng.choices(words, k=2))}")
            parts += [" ".join(_sentence(rng, words) for _ in range(3)) for _ in range(2)]
        path = folder / f"team{n % 20}" / f"doc{n}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n\n".join(parts))


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of `run` in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


BEFORE = "top-1 32/40 (0.800), don't know 6/8 (0.750), confidently wrong 2"
"""The same evaluation at commit b5a7e18: plural folding only, no synonyms, agreement bonus."""


def quality() -> None:
    """Print the retrieval evaluation over the demo knowledge, with a rapidfuzz baseline."""
    kb = KnowledgeBase.load(KNOWLEDGE)
    texts = [f"{p.title} {p.heading} {p.text}" for p in kb.passages]
    scan_hits = 0
    for question, expected in COVERED:
        best = process.extractOne(question, texts, scorer=fuzz.token_set_ratio)
        scan_hits += best is not None and kb.passages[best[2]].path == expected
    score = evaluate(kb)
    print(f"retrieval quality, {KNOWLEDGE.name}/ ({len(kb.passages)} passages)")
    print(f"{'method':<42}{'top-1':>12}{'dont-know':>12}{'conf-wrong':>12}")
    print(f"{'baseline: rapidfuzz best passage':<42}{scan_hits / len(COVERED):>12.3f}{'-':>12}")
    print(
        f"{'KnowledgeBase.search + offline answer':<42}{score.top1_accuracy:>12.3f}"
        f"{score.dont_know_rate:>12.3f}{score.confidently_wrong:>12}"
    )
    print(f"before (b5a7e18): {BEFORE}")
    print()


def main() -> None:
    """Print the quality table, then one speed table: median ms, ratio against the baseline."""
    quality()
    rng = random.Random(SEED)
    words = _vocabulary(rng)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder, rng, words)
        load_ms = median_ms(lambda: KnowledgeBase.load(folder), 3)
        kb = KnowledgeBase.load(folder)
    texts = [p.text for p in kb.passages]
    queries = [" ".join(rng.choices(words, k=5)) for _ in range(QUERIES)]
    bm25_ms = statistics.median(median_ms(partial(kb.search, q), 3) for q in queries)
    scan = partial(process.extract, choices=texts, scorer=fuzz.token_set_ratio, limit=5)
    scan_ms = statistics.median(median_ms(partial(scan, q), 1) for q in queries[:10])
    verified = [
        VerifiedEntry(i, _sentence(rng, words), "a", "@o", date(2026, 1, 1)) for i in range(500)
    ]
    match_ms = median_ms(lambda: match_verified(queries[0], verified), 20)
    print(f"{len(kb.passages):,} passages from {FILES:,} files (seed {SEED})")
    print(f"{'operation':<42}{'median ms':>12}{'ratio':>10}")
    print(f"{'load + index folder':<42}{load_ms:>12.1f}{'':>10}")
    print(f"{'baseline: rapidfuzz scan of all passages':<42}{scan_ms:>12.2f}{1.0:>10.2f}")
    print(f"{'KnowledgeBase.search (BM25)':<42}{bm25_ms:>12.2f}{bm25_ms / scan_ms:>10.3f}")
    print(f"{'match_verified over 500 entries':<42}{match_ms:>12.2f}{'':>10}")
    print("reproduce: python -m bench.bench_retrieval")


if __name__ == "__main__":
    main()
