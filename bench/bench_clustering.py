"""Clustering quality, time and peak memory: BANKING77 test plus 10k/100k synthetic failures.

    python -m bench.bench_clustering                  # BANKING77 test, 10k and 100k
    python -m bench.bench_clustering --sizes 10000    # fewer sizes

Each case runs in its own subprocess so ru_maxrss is that case's peak. Synthetic failures are
BANKING77 train+test texts sampled with a seed and lightly perturbed (10% word drops, 10%
swapped letters), so their true categories still score the result. The baseline is the
rapidfuzz greedy leader (token_set_ratio >= 60) from CLUSTERING-NOTES.md, run in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

# BANKING77 ships with the tests (CC BY 4.0, tests/data/banking77/ATTRIBUTION.md).
DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "banking77"


def load(names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Texts and categories of the named BANKING77 files."""
    texts, truth = [], []
    for name in names:
        with (DATA / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                texts.append(row["text"])
                truth.append(row["category"])
    return texts, truth


def synthetic(size: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """`size` perturbed BANKING77 texts with their categories."""
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


def leader_baseline(texts: list[str]) -> list[int]:
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


def run_case(case: str, size: int) -> dict[str, float]:
    """Run one case in this process and return its numbers."""
    from sklearn import metrics

    from bot.clustering import cluster_texts, make_embedder

    texts, truth = load(("test.csv",)) if size == 0 else synthetic(size)
    start = time.perf_counter()
    if case == "baseline":
        labels = leader_baseline(texts)
    else:
        labels = cluster_texts(texts, embedder=make_embedder(case)).labels
    seconds = time.perf_counter() - start
    return {
        "n": len(texts),
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "nmi": metrics.normalized_mutual_info_score(truth, labels),
        "ari": metrics.adjusted_rand_score(truth, labels),
        "ami": metrics.adjusted_mutual_info_score(truth, labels),
        "k": len(set(labels)),
    }


def in_subprocess(case: str, size: int) -> dict[str, float] | None:
    """Run a case in a fresh interpreter; None when it cannot run (e.g. no semantic extra)."""
    command = [sys.executable, "-m", "bench.bench_clustering", "--one", case, str(size)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"# {case} n={size or 'test'}: skipped ({done.stderr.strip().splitlines()[-1:]})")
        return None
    numbers: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return numbers


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--one", nargs=2, metavar=("CASE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one[0], int(args.one[1]))))
        return
    print(f"# reproduce: python -m bench.bench_clustering --sizes {args.sizes}")
    cases = [("baseline", 0), ("tfidf", 0), ("semantic", 0)]
    cases += [(kind, int(s)) for s in args.sizes.split(",") for kind in ("tfidf",)]
    header = "| data | method | n | NMI | ARI | AMI | k | seconds | x baseline | peak MB |"
    print(header + "\n|" + "---|" * 10)
    base_seconds = None
    for case, size in cases:
        numbers = in_subprocess(case, size)
        if numbers is None:
            continue
        base_seconds = numbers["seconds"] if case == "baseline" else base_seconds
        ratio = f"{numbers['seconds'] / base_seconds:.2f}" if base_seconds else "-"
        data = "BANKING77 test" if size == 0 else "synthetic"
        print(
            f"| {data} | {case} | {numbers['n']:.0f} | {numbers['nmi'] * 100:.1f} "
            f"| {numbers['ari'] * 100:.1f} | {numbers['ami'] * 100:.1f} | {numbers['k']:.0f} "
            f"| {numbers['seconds']:.2f} | {ratio} | {numbers['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
