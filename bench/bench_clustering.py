"""Clustering quality, long-tail recall, cross-week identity, time and peak memory.

    python -m bench.bench_clustering                          # 3k (BANKING77 test), 10k, 100k
    python -m bench.bench_clustering --sizes 3000,10000       # fewer sizes

Methods, all in one run:
- default: what every install runs (`make install` puts the MiniLM model in): MiniLM
  embeddings, centred, average linkage up to 500 texts, Leiden communities above.
- tfidf: the previous release's default, today's fallback when the model is missing.
- previous semantic: the previous release's [semantic] option (MiniLM + average linkage 0.44).
- leader: rapidfuzz greedy leader (token_set_ratio >= 60), the baseline of CLUSTERING-NOTES.

3k is BANKING77 test itself (3,080 questions, 77 intents). 10k and 100k are BANKING77 train+test
texts sampled with a seed and lightly perturbed (10% word drops, 10% swapped letters), so their
true intents still score the result. Each cell runs in its own process (peak = ru_maxrss).
Long-tail recall and cross-week identity are measured on BANKING77 test (see `longtail` and
`two_weeks`). Parameters were tuned on BANKING77 train only.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# BANKING77 ships with the tests (CC BY 4.0, tests/data/banking77/ATTRIBUTION.md).
DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "banking77"
METHODS = ("default", "tfidf", "previous semantic", "leader")
LONG_TAIL_RUNS = 10
RARE = 3  # a subject with at most this many failures is rare
Labels = list[int]


def load(names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Texts and intents of the named BANKING77 files."""
    texts, truth = [], []
    for name in names:
        with (DATA / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                texts.append(row["text"])
                truth.append(row["category"])
    return texts, truth


def synthetic(size: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """`size` perturbed BANKING77 texts with their intents."""
    texts, truth = load(("train.csv", "test.csv"))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(texts), size)
    out = []
    for i in picks:
        words = [w for w in texts[i].split() if rng.random() > 0.1] or texts[i].split()
        for j, word in enumerate(words):
            if len(word) > 3 and rng.random() < 0.1:
                k = int(rng.integers(0, len(word) - 1))
                words[j] = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        out.append(" ".join(words))
    return out, [truth[i] for i in picks]


def leader_baseline(texts: Sequence[str]) -> Labels:
    """Greedy leader clustering: join the first leader scoring >= 60, else lead."""
    from rapidfuzz import fuzz, process

    leaders: list[str] = []
    labels = []
    for text in texts:
        match = process.extractOne(text, leaders, scorer=fuzz.token_set_ratio, score_cutoff=60)
        if match is None:
            leaders.append(text)
            labels.append(len(leaders) - 1)
        else:
            labels.append(match[2])
    return labels


def clusterer(method: str) -> Callable[[Sequence[str]], Any]:
    """The method as a digest clusterer: texts -> ClusterResult."""
    from bot.clustering import cluster_texts, make_embedder
    from bot.clustering.semantic import MiniLMEmbedder

    class PreviousSemantic:
        """MiniLM rows (every text through the model) grouped by plain average linkage."""

        default_cut = 0.44  # its tuned cut
        space = "all-MiniLM-L6-v2"

        def __init__(self) -> None:
            self.model = MiniLMEmbedder(max_model_texts=10**9)

        def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            return self.model.embed(texts)

    if method == "default":
        return lambda texts: cluster_texts(texts)
    if method == "tfidf":
        tfidf = make_embedder("tfidf")
        return lambda texts: cluster_texts(texts, embedder=tfidf)
    if method == "previous semantic":
        previous = PreviousSemantic()
        return lambda texts: cluster_texts(texts, embedder=previous)
    raise ValueError(method)


def labels_of(method: str, texts: Sequence[str]) -> Labels:
    """Theme index per text."""
    if method == "leader":
        return leader_baseline(texts)
    result = clusterer(method)(texts)
    labels: Labels = result.labels
    return labels


def quality(truth: Sequence[str], labels: Labels) -> dict[str, float]:
    """NMI, ARI, AMI and k."""
    from sklearn import metrics

    return {
        "nmi": metrics.normalized_mutual_info_score(truth, labels),
        "ari": metrics.adjusted_rand_score(truth, labels),
        "ami": metrics.adjusted_mutual_info_score(truth, labels),
        "k": len(set(labels)),
    }


def run_size(method: str, size: int) -> dict[str, float]:
    """One cell: cluster BANKING77 test (size 3000) or `size` synthetic failures."""
    texts, truth = load(("test.csv",)) if size <= 3_080 else synthetic(size)
    start = time.perf_counter()
    labels = labels_of(method, texts)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": len(texts), "seconds": seconds, "peak_mb": peak, **quality(truth, labels)}


def long_tail_sample(truth: Sequence[str], seed: int) -> list[int]:
    """40 intents with sizes ~30 / rank (30, 15, 10, ... 2): a weekly digest's long tail."""
    rng = np.random.default_rng(seed)
    intents = sorted(set(truth))
    picked = rng.choice(len(intents), 40, replace=False)
    rows = []
    for rank, intent_index in enumerate(picked, start=1):
        members = [i for i, t in enumerate(truth) if t == intents[intent_index]]
        rows += rng.choice(members, max(2, round(30 / rank)), replace=False).tolist()
    return rows


def rare_recall(truth: Sequence[str], labels: Labels) -> tuple[int, int]:
    """Rare subjects that lead a theme of their own (>= 2 of them, the theme's majority)."""
    sizes = Counter(truth)
    rare = [intent for intent, n in sizes.items() if n <= RARE]
    members: dict[int, Counter[str]] = {}
    for intent, label in zip(truth, labels, strict=True):
        members.setdefault(label, Counter())[intent] += 1
    leaders = {c.most_common(1)[0] for c in members.values()}
    found = sum(1 for intent in rare if any(i == intent and n >= 2 for i, n in leaders))
    return found, len(rare)


def run_long_tail(method: str) -> dict[str, float]:
    """Average quality and rare-subject recall over LONG_TAIL_RUNS digest-sized samples."""
    texts, truth = load(("test.csv",))
    scores, found, rare = [], 0, 0
    for seed in range(LONG_TAIL_RUNS):
        rows = long_tail_sample(truth, seed)
        sample_truth = [truth[i] for i in rows]
        labels = labels_of(method, [texts[i] for i in rows])
        scores.append(quality(sample_truth, labels))
        hit, total = rare_recall(sample_truth, labels)
        found, rare = found + hit, rare + total
    mean = {key: float(np.mean([s[key] for s in scores])) for key in scores[0]}
    return {**mean, "rare_found": found, "rare_total": rare}


def run_two_weeks(method: str) -> dict[str, float]:
    """Week 1: half of each of 67 intents; week 2: the other halves plus 10 new intents.

    Both weeks go through the digest's own theme assignment on a real SQLite database.
    Reports the share of recurring intents whose week-2 questions land (by majority) in the
    theme id their week-1 questions made, and how many new intents continued an old theme.
    """
    from bot.clock import ManualClock
    from bot.digest.themes import assign_themes
    from bot.owners.spec import OwnerSpec, sync_owners
    from storage import Store, make_engine, upgrade
    from storage.queries.digest import FailureRecord

    texts, truth = load(("test.csv",))
    rng = np.random.default_rng(0)
    intents = sorted(set(truth))
    new = set(rng.choice(intents, 10, replace=False).tolist())
    weeks: list[list[int]] = [[], []]
    for intent in intents:
        members = rng.permutation([i for i, t in enumerate(truth) if t == intent]).tolist()
        half = len(members) // 2
        if intent not in new:
            weeks[0] += members[:half]
        weeks[1] += members[half:]
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        store = Store(engine, clock=ManualClock(start))
        [owner] = sync_owners(store, [OwnerSpec(name="Support", slack_id="U0", is_default=True)])
        assert owner.id is not None
        theme_of: list[dict[str, int]] = []
        for week, rows in enumerate(weeks):
            at = start + timedelta(days=7 * week)
            failures = [_failure(FailureRecord, i, texts[i], at) for i in rows]
            groups = assign_themes(store, owner.id, failures, clusterer(method))
            votes: dict[str, Counter[int]] = {}
            for group in groups:
                assert group.theme.id is not None
                for failure in group.failures:
                    votes.setdefault(truth[failure.answer_id], Counter())[group.theme.id] += 1
            theme_of.append({i: c.most_common(1)[0][0] for i, c in votes.items()})
        engine.dispose()
    recurring = [i for i in intents if i not in new]
    kept = sum(1 for i in recurring if theme_of[1][i] == theme_of[0][i])
    old_ids = set(theme_of[0].values())
    continued = sum(1 for i in new if theme_of[1][i] in old_ids)
    return {"kept": kept, "recurring": len(recurring), "new_continued": continued, "new": len(new)}


def _failure(record: Any, index: int, question: str, at: datetime) -> Any:
    """A flagged failure whose answer id is the row index (the bench reads intents by it)."""
    return record(
        kind="down", feedback_id=None, answer_id=index, user_id="U1", reason=None,
        correction=None, question=question, answer="", channel_id="C1", message_ts="1.0",
        created_at=at, prompt_version="answer@v1", model="offline", theme_id=None,
    )  # fmt: skip


def in_subprocess(*job: str) -> dict[str, float] | None:
    """Run one job in a fresh interpreter; None (with the reason printed) when it fails."""
    command = [sys.executable, "-m", "bench.bench_clustering", "--job", *job]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"# {' '.join(job)}: failed ({done.stderr.strip().splitlines()[-1:]})")
        return None
    numbers: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return numbers


def run_review() -> dict[str, float]:
    """The model review's ceiling: the default, then the review with a perfect judge (the true
    intents answer SAME or DIFFERENT), within the product's budget, on BANKING77 test and on
    its long-tail samples. No real model is called."""
    from bot.answering.offline import OfflineAnswerer
    from bot.answering.prompt import load_prompt
    from bot.clustering import ClusterResult
    from bot.digest.theme_review import ThemeReviewer, reviewed

    texts, truth = load(("test.csv",))
    intent = {text[:300]: label for text, label in zip(texts, truth, strict=True)}

    class PerfectJudge(ThemeReviewer):
        def same_subject(self, first: Sequence[str], second: Sequence[str]) -> bool | None:
            if self.calls >= self.max_pairs:
                return None
            self.calls += 1
            majority = [Counter(intent[q[:300]] for q in group).most_common(1)[0][0]
                        for group in (first, second)]  # fmt: skip
            return majority[0] == majority[1]

    def judged(sample: list[str]) -> tuple[Labels, Labels, int]:
        judge = PerfectJudge(OfflineAnswerer(), load_prompt("theme_review"))
        plain = clusterer("default")(sample).labels
        after = reviewed(clusterer("default"), judge)(sample)
        assert isinstance(after, ClusterResult)
        return plain, after.labels, judge.calls

    numbers: dict[str, float] = {}
    plain, after, calls = judged(texts)
    for name, labels in (("test_plain", plain), ("test_review", after)):
        numbers.update({f"{name}_{key}": value for key, value in quality(truth, labels).items()})
    numbers["test_calls"] = calls
    tails: dict[str, list[float]] = {"tail_plain": [], "tail_review": [], "tail_calls": []}
    for seed in range(LONG_TAIL_RUNS):
        rows = long_tail_sample(truth, seed)
        sample_truth = [truth[i] for i in rows]
        plain, after, calls = judged([texts[i] for i in rows])
        tails["tail_plain"].append(quality(sample_truth, plain)["ari"])
        tails["tail_review"].append(quality(sample_truth, after)["ari"])
        tails["tail_calls"].append(calls)
    numbers.update({key: float(np.mean(values)) for key, values in tails.items()})
    return numbers


def run_job(job: list[str]) -> dict[str, float]:
    """size METHOD N | longtail METHOD | weeks METHOD | review."""
    if job[0] == "size":
        return run_size(job[1], int(job[2]))
    if job[0] == "longtail":
        return run_long_tail(job[1])
    if job[0] == "review":
        return run_review()
    return run_two_weeks(job[1])


def cells(sizes: list[int]) -> list[tuple[str, int]]:
    """Which method runs at which size (the leader baseline and previous semantic at <= 10k:
    they take minutes at 100k, the first for its greedy scan, the second embedding every text)."""
    return [(m, n) for n in sizes for m in METHODS if n <= 10_000 or m in ("default", "tfidf")]


def pct(value: float) -> str:
    return f"{value * 100:.1f}"


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3000,10000,100000")
    parser.add_argument("--job", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(run_job(args.job)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# reproduce: python -m bench.bench_clustering --sizes {args.sizes}")
    print("| data | method | n | NMI | ARI | AMI | k | seconds | x tfidf | peak MB |")
    print("|" + "---|" * 10)
    tfidf_seconds: dict[int, float] = {}
    rows = []
    for method, size in cells(sizes):
        numbers = in_subprocess("size", method, str(size))
        if numbers is not None:
            rows.append((method, size, numbers))
            if method == "tfidf":
                tfidf_seconds[size] = numbers["seconds"]
    for method, size, numbers in rows:
        base = tfidf_seconds.get(size)
        ratio = f"{numbers['seconds'] / base:.2f}" if base else "-"
        data = "BANKING77 test" if size <= 3_080 else "synthetic"
        print(
            f"| {data} | {method} | {numbers['n']:.0f} | {pct(numbers['nmi'])} "
            f"| {pct(numbers['ari'])} | {pct(numbers['ami'])} | {numbers['k']:.0f} "
            f"| {numbers['seconds']:.2f} | {ratio} | {numbers['peak_mb']:.0f} |"
        )
    print(f"\n## Long tail: {LONG_TAIL_RUNS} digest-sized samples of BANKING77 test")
    print("| method | NMI | ARI | k | rare subjects (<= 3) with their own theme |")
    print("|---|---|---|---|---|")
    for method in METHODS:
        tail = in_subprocess("longtail", method)
        if tail is not None:
            share = tail["rare_found"] / tail["rare_total"]
            print(
                f"| {method} | {pct(tail['nmi'])} | {pct(tail['ari'])} | {tail['k']:.0f} "
                f"| {tail['rare_found']:.0f}/{tail['rare_total']:.0f} ({pct(share)}%) |"
            )
    print("\n## Cross-week identity: BANKING77 test split into two weeks, digest assignment")
    print(
        "| method | recurring intents keeping their theme id | new intents continuing an old one |"
    )
    print("|---|---|---|")
    for method in METHODS[:3]:
        weeks = in_subprocess("weeks", method)
        if weeks is not None:
            print(
                f"| {method} | {weeks['kept']:.0f}/{weeks['recurring']:.0f} "
                f"({pct(weeks['kept'] / weeks['recurring'])}%) "
                f"| {weeks['new_continued']:.0f}/{weeks['new']:.0f} |"
            )
    review = in_subprocess("review")
    if review is not None:
        print("\n## The model review's ceiling: a perfect judge, the product's budget (30 calls)")
        print("| data | default ARI | after the review | NMI before -> after | k | calls |")
        print("|---|---|---|---|---|---|")
        print(
            f"| BANKING77 test | {pct(review['test_plain_ari'])} "
            f"| {pct(review['test_review_ari'])} "
            f"| {pct(review['test_plain_nmi'])} -> {pct(review['test_review_nmi'])} "
            f"| {review['test_plain_k']:.0f} -> {review['test_review_k']:.0f} "
            f"| {review['test_calls']:.0f} |"
        )
        print(
            f"| long-tail samples (mean of {LONG_TAIL_RUNS}) | {pct(review['tail_plain'])} "
            f"| {pct(review['tail_review'])} | - | - | {review['tail_calls']:.1f} |"
        )


if __name__ == "__main__":
    main()
