"""Digest build time against table size: a week's digest must read that week, not the table.

Generates N feedback rows (4 per answer) with bulk inserts: a fixed 10,000 in the measured week
and the rest spread over the 51 weeks before it, so only the history grows; plus WEEK_SILENT
answers in the measured week that nobody flagged and that had no or weak support ("Couldn't
answer well"). Then times, for that week: the period reads (failures, counts, votes, rates,
unflagged answers; all bounded by indexed `created_at`) and the full build of every owner's
digest (routing, clustering flagged and unflagged failures, themes).
Reported as medians of --repeat runs, with the ratio against the smallest table measured in
the same process: flat ratios mean the week's cost does not grow with history.

    python -m bench.bench_digest                       # SQLite, 100k and 1M feedback rows
    python -m bench.bench_digest --postgres URL --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text

from bot.answering.confidence import NO_SOURCE_LINE, WEAK_LINE
from bot.answering.offline import DONT_KNOW
from bot.digest import build_digest, collect_failures, parse_week
from bot.digest.activity import activity_by_owner
from bot.digest.build import SilentMaps, silent_maps
from bot.owners import OwnerSpec, sync_owners
from storage import Store, make_engine, upgrade
from storage.models import Answer, Feedback, Question

WEEK = parse_week("2026-W46")
START = WEEK.start - timedelta(weeks=51)  # 51 weeks of history before the measured week
SPAN_S = 51 * 7 * 86400
WEEK_S = 7 * 86400 - 3600
WEEK_ANSWERS = 2_500  # 10,000 feedback rows in the measured week, whatever the table size
PER_ANSWER = 4
WEEK_SILENT = 2_500  # unflagged answers with no or weak support in the measured week
TOPICS = ["vacation days left", "payroll date", "vpn will not connect", "expense a taxi",
          "laptop replacement", "parking permit", "wifi password", "holiday calendar"]  # fmt: skip
BATCH = 20_000


def generate(engine: Engine, feedback_rows: int) -> float:
    """Bulk-insert questions, answers and feedback; returns seconds taken."""
    began = time.perf_counter()
    answers = feedback_rows // PER_ANSWER
    with engine.begin() as connection:
        for first in range(0, answers, BATCH):
            ids = range(first + 1, min(first + BATCH, answers) + 1)
            when = [_when(i) for i in ids]
            connection.execute(
                insert(Question), [_question(i, w) for i, w in zip(ids, when, strict=True)]
            )
            connection.execute(
                insert(Answer), [_answer(i, w) for i, w in zip(ids, when, strict=True)]
            )
            pairs = zip(ids, when, strict=True)
            feedback = [_feedback(i, k, w) for i, w in pairs for k in range(PER_ANSWER)]
            connection.execute(insert(Feedback), feedback)
        ids = range(answers + 1, answers + WEEK_SILENT + 1)
        when = [WEEK.start + timedelta(seconds=(i * 7919) % WEEK_S) for i in ids]
        connection.execute(
            insert(Question), [_question(i, w) for i, w in zip(ids, when, strict=True)]
        )
        connection.execute(
            insert(Answer), [_unflagged(i, w) for i, w in zip(ids, when, strict=True)]
        )
    return time.perf_counter() - began


def _unflagged(i: int, when: datetime) -> dict[str, Any]:
    """An answer that said it didn't know, or had weak support; no feedback row."""
    row = _answer(i, when)
    weak = i % 2 == 0
    return row | {"text": "Maybe." if weak else DONT_KNOW, "error": None,
                  "confidence_line": WEAK_LINE if weak else NO_SOURCE_LINE}  # fmt: skip


def _when(i: int) -> datetime:
    """The measured week for the first WEEK_ANSWERS answers, earlier weeks for the rest."""
    if i <= WEEK_ANSWERS:
        return WEEK.start + timedelta(seconds=(i * 7919) % WEEK_S)
    return START + timedelta(seconds=(i * 7919) % SPAN_S)


def _question(i: int, when: datetime) -> dict[str, Any]:
    topic = TOPICS[i % len(TOPICS)]
    channel = "C0PEOPLE" if i % 3 == 0 else "C0GENERAL"
    return {"id": i, "text": f"{topic} question {i % 50}", "user_id": f"U{i % 900:04d}",
            "channel_id": channel, "thread_ts": "", "message_ts": f"{i}.000100",
            "via": "mention", "created_at": when}  # fmt: skip


def _answer(i: int, when: datetime) -> dict[str, Any]:
    return {"id": i, "question_id": i, "text": "An answer.", "provider": "offline",
            "model": "offline", "prompt_version": f"answer@v{1 + i % 2}", "sources": [],
            "confidence": 0.5, "confidence_line": "", "latency_ms": 10,
            "error": "timeout" if i % 97 == 0 else None, "channel_id": "C0GENERAL",
            "message_ts": f"{i}.000200", "thread_ts": "", "created_at": when}  # fmt: skip


def _feedback(i: int, k: int, when: datetime) -> dict[str, Any]:
    kind = ("down", "up", "report", "up", "correction", "up", "up", "up")[(i + k) % 8]
    return {"answer_id": i, "user_id": f"U{(i + k) % 900:04d}", "kind": kind,
            "reason": "outdated" if kind == "report" else None,
            "text": "The right answer." if kind == "correction" else None,
            "source": "button", "dedupe_key": f"b:{i}:{k}",
            "created_at": when + timedelta(minutes=k), "updated_at": when}  # fmt: skip


def measure(store: Store, repeat: int) -> tuple[float, float, float, int, int]:
    """Medians (seconds) of the period reads, of the full build and of the build without
    Couldn't answer well (the baseline: no unflagged failures given); the week's failures and
    its unflagged failures."""
    reads, builds, bare, failures, unflagged = [], [], [], 0, 0
    for _ in range(repeat):
        began = time.perf_counter()
        routed = collect_failures(store, WEEK)
        activity = activity_by_owner(store, WEEK)
        previous = activity_by_owner(store, WEEK.previous())
        silent = silent_maps(store, WEEK)
        reads.append(time.perf_counter() - began)
        began = time.perf_counter()
        for owner in store.list_owners():
            assert owner.id is not None
            build_digest(
                store, owner, WEEK, failures=routed.get(owner.id, []),
                activity=activity, previous_activity=previous, silent=silent,
            )  # fmt: skip
        builds.append(time.perf_counter() - began)
        began = time.perf_counter()
        for owner in store.list_owners():
            assert owner.id is not None
            build_digest(
                store, owner, WEEK, failures=routed.get(owner.id, []),
                activity=activity, previous_activity=previous, silent=SilentMaps({}, {}),
            )  # fmt: skip
        bare.append(time.perf_counter() - began)
        failures = sum(len(rows) for rows in routed.values())
        unflagged = sum(len(rows) for rows in silent.now.values())
    medians = statistics.median(reads), statistics.median(builds), statistics.median(bare)
    return *medians, failures, unflagged


def plan(engine: Engine) -> str:
    """Which index SQLite uses for the week's feedback read (proof it is not a table scan)."""
    if engine.dialect.name != "sqlite":
        return "-"
    query = "EXPLAIN QUERY PLAN SELECT id FROM feedback WHERE created_at >= :a AND created_at < :b"
    with engine.connect() as connection:
        rows = connection.execute(text(query), {"a": WEEK.start, "b": WEEK.end}).all()
    return "; ".join(str(row[-1]) for row in rows)


Measured = tuple[float, float, float, float, int, int, str]


def run(url: str, size: int, repeat: int) -> Measured:
    """Fresh database of `size` feedback rows: (generation s, reads s, build s, build without
    Couldn't answer well s, failures, unflagged failures, plan)."""
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine, clock=lambda: WEEK.end + timedelta(hours=9))
    sync_owners(store, [OwnerSpec("People team", "U0OWNER1", ("C0PEOPLE",), ("vacation",)),
                        OwnerSpec("AI platform", "C0PLATFORM", is_default=True)])  # fmt: skip
    generated = generate(engine, size)
    reads, build, bare, failures, unflagged = measure(store, repeat)
    found = plan(engine)
    engine.dispose()
    return generated, reads, build, bare, failures, unflagged, found


def main() -> None:
    """Parse arguments, measure every size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure too (private schema)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| database | feedback rows | generate s | week failures | unflagged | reads ms | "
          "build ms | without unflagged ms | x without | build vs smallest |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        targets = [(f"sqlite:///{Path(folder) / f'b{size}.db'}", "sqlite", size) for size in sizes]
        if args.postgres:
            targets += [(args.postgres, "postgresql", size) for size in sizes]
        base: dict[str, float] = {}
        for url, name, size in targets:
            where = _private_schema(url, size) if name == "postgresql" else url
            generated, reads, build, bare, failures, unflagged, found = run(
                where, size, args.repeat
            )
            if name == "postgresql":
                _drop_schema(url, size)
            ratio = build / base.setdefault(name, build)
            print(f"| {name} | {size:,} | {generated:.1f} | {failures:,} | {unflagged:,} | "
                  f"{reads * 1000:.0f} | {build * 1000:.0f} | {bare * 1000:.0f} | "
                  f"{build / bare:.2f}x | {ratio:.2f}x |")  # fmt: skip
            if found != "-":
                print(f"|   plan: {found} ||||||||||")
    print("\ncommand: python -m bench.bench_digest " + " ".join(f"{k}" for k in _argv()))


def _private_schema(url: str, size: int) -> str:
    """A fresh schema for this run on the given server (dropped by `_drop_schema`)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS bench_digest_{size} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA bench_digest_{size}"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3Dbench_digest_{size}"


def _drop_schema(url: str, size: int) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS bench_digest_{size} CASCADE"))
    engine.dispose()


def _argv() -> list[str]:
    import sys

    return sys.argv[1:]


if __name__ == "__main__":
    main()
