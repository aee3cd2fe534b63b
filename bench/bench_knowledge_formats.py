"""Knowledge formats: index build time and retrieval quality on 1,000 generated documents.

The same 1,000 documents (a subject each, three sections, one of them stating the subject's
limit) are written as Markdown, plain text, HTML (with a CMS's navigation, script and footer)
and PDF (fpdf2, a section per page). For each format: the median time `load_folder` takes to
read and index the folder, its ratio to Markdown's in the same process, the time a reload takes
when one file changed (the running bot keeps the parsed files, so it parses only that one), the
passages it gives, and, for one question per document ("what is the monthly limit for
<subject>?"), how often the right file is the first hit (recall@1), in the top 5, the mean
reciprocal rank, and for PDF how often the first hit is the right page.
Reproduce: `python -m bench.bench_knowledge_formats` (seeded).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.answering.knowledge import KnowledgeBase, ParsedFiles, load_folder
from tests.fakes.documents import FORMATS, Document, write_document

SEED = 20261203
DOCUMENTS = 1_000
REPEATS = 3
QUALIFIERS = (
    "annual budget cloud contractor customer data design desktop expense field finance guest "
    "hardware hiring intern laptop legal marketing mobile network office partner payroll "
    "printer remote research sales security server shipping storage support team training "
    "travel vendor video warehouse wellness wireless"
).split()
THINGS = (
    "account allowance badge card credit discount grant license loan locker parking pass "
    "permit quota refund reimbursement reservation seat stipend subscription token voucher "
    "membership plan ticket"
).split()


@dataclass(frozen=True)
class Case:
    """One generated document and the question its limit section answers."""

    name: str
    document: Document
    question: str


def _words(rng: random.Random, size: int = 3_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(5, 9))) for _ in range(size)]


def _prose(rng: random.Random, words: list[str], sentences: int) -> str:
    return " ".join(
        " ".join(rng.choices(words, k=rng.randint(8, 14))).capitalize() + "."
        for _ in range(sentences)
    )


def cases(rng: random.Random) -> list[Case]:
    """DOCUMENTS documents, one subject each (qualifier x thing, shuffled)."""
    words = _words(rng)
    subjects = [f"{q} {t}" for q in QUALIFIERS for t in THINGS]
    rng.shuffle(subjects)
    made = []
    for n, subject in enumerate(subjects[:DOCUMENTS]):
        limit = rng.randint(2, 900)
        sections = (
            ("Overview", (f"About the {subject}. " + _prose(rng, words, 3), _prose(rng, words, 3))),
            ("Monthly limit", (f"The monthly limit for the {subject} is {limit} units.",
                               _prose(rng, words, 2))),
            ("Contacts", (_prose(rng, words, 3),)),
        )  # fmt: skip
        meta = {"url": f"https://wiki.example.com/doc{n}", "updated": "2026-01-15",
                "owner": f"team-{n % 20}"}  # fmt: skip
        doc = Document(title=f"{subject.capitalize()} policy", sections=sections, meta=meta)
        made.append(Case(f"team{n % 20}/doc{n}", doc, f"what is the monthly limit for {subject}?"))
    return made


@dataclass(frozen=True)
class Row:
    """One format's measurements."""

    fmt: str
    build_ms: float
    passages: int
    recall1: float
    recall5: float
    mrr: float
    page1: float | None
    reload_ms: float  # one file changed, parsed files kept (what the running bot does)


def measure(fmt: str, folder: Path, made: list[Case]) -> Row:
    """Build the index REPEATS times (median), then ask every document's question."""
    parsed = ParsedFiles()
    load_folder(folder, parsed)
    changed = folder / f"{made[0].name}.{fmt}"
    reloads = []
    for _ in range(REPEATS):
        write_document(changed, made[0].document)
        started = time.perf_counter()
        load_folder(folder, parsed)
        reloads.append((time.perf_counter() - started) * 1000)
    times = []
    knowledge = KnowledgeBase([])
    for _ in range(REPEATS):
        started = time.perf_counter()
        load = load_folder(folder)
        times.append((time.perf_counter() - started) * 1000)
        assert not load.broken, load.broken[:3]
        knowledge = load.knowledge
    first = top5 = page_right = 0
    reciprocal = 0.0
    for case in made:
        hits = knowledge.search(case.question, limit=20)
        files: list[str] = []
        for hit in hits:
            if hit.passage.path not in files:
                files.append(hit.passage.path)
        want = f"{case.name}.{fmt}"
        if want in files:
            rank = files.index(want) + 1
            reciprocal += 1 / rank
            first += rank == 1
            top5 += rank <= 5
        if hits and hits[0].passage.path == want and hits[0].passage.page == 2:
            page_right += 1
    n = len(made)
    return Row(
        fmt, statistics.median(times), len(knowledge.passages), first / n, top5 / n,
        reciprocal / n, page_right / n if fmt == "pdf" else None, statistics.median(reloads),
    )  # fmt: skip


def main() -> None:
    """Write the four folders, measure each, print the table."""
    made = cases(random.Random(SEED))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            folder = Path(tmp) / fmt
            started = time.perf_counter()
            for case in made:
                write_document(folder / f"{case.name}.{fmt}", case.document)
            written = time.perf_counter() - started
            print(f"wrote {len(made)} {fmt} documents in {written:.1f} s")
            rows.append(measure(fmt, folder, made))
    base = rows[0].build_ms
    print(f"\n{DOCUMENTS} documents per format; build = load_folder (read + parse + index), "
          f"median of {REPEATS}")  # fmt: skip
    print("| format | build ms | x Markdown | reload ms (1 changed) | passages | recall@1 "
          "| recall@5 | MRR | right page@1 |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        page = "" if row.page1 is None else f"{row.page1:.1%}"
        print(
            f"| {row.fmt} | {row.build_ms:.0f} | {row.build_ms / base:.2f} | {row.reload_ms:.0f} "
            f"| {row.passages} "
            f"| {row.recall1:.1%} | {row.recall5:.1%} | {row.mrr:.3f} | {page} |"
        )
    print("\nReproduce: python -m bench.bench_knowledge_formats")


if __name__ == "__main__":
    main()
