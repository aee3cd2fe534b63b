"""Themes follow subjects: BANKING77 floors for the default install, boilerplate, rare subjects."""

from __future__ import annotations

import csv
from collections import Counter

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from bot.clustering import cluster_texts
from tests.conftest import TEST_DATA

SUBJECTS = (
    "vpn",
    "wifi",
    "printer",
    "email",
    "calendar",
    "payroll portal",
    "expense report",
    "laptop charger",
    "parking pass",
    "badge reader",
    "shared drive",
    "video conferencing",
)
BOILERPLATE = (
    "{} not working",
    "how do I set up the {}",
    "where can I find the {}",
    "the {} is broken again",
    "is there a guide for the {}",
)


def _subjects_of_each_theme(texts: list[str], truth: list[str]) -> list[Counter[str]]:
    result = cluster_texts(texts)
    return [Counter(truth[i] for i in theme.member_indices) for theme in result.themes]


def test_banking77_test_without_k_beats_the_published_k_given_baselines() -> None:
    """Measured NMI 0.840 / ARI 0.602 / k 94 (docs/clustering.md); mpnet + k-means with k given
    is 0.813 / 0.541. Parameters were tuned on train only."""
    with (TEST_DATA / "banking77" / "test.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    truth = [row["category"] for row in rows]
    result = cluster_texts([row["text"] for row in rows])
    assert normalized_mutual_info_score(truth, result.labels) >= 0.835
    assert adjusted_rand_score(truth, result.labels) >= 0.585
    assert 77 / 1.5 <= len(result.themes) <= 77 * 1.5


def test_questions_sharing_only_boilerplate_never_share_a_theme() -> None:
    texts = [pattern.format(subject) for subject in SUBJECTS for pattern in BOILERPLATE]
    truth = [subject for subject in SUBJECTS for _ in BOILERPLATE]
    themes = _subjects_of_each_theme(texts, truth)
    assert all(len(subjects) == 1 for subjects in themes), themes  # no theme mixes subjects
    pieces = Counter(subject for subjects in themes for subject in subjects)
    assert max(pieces.values()) <= 2 and sum(pieces.values()) <= len(SUBJECTS) + 1, pieces


def test_a_rare_subject_keeps_its_own_theme_beside_large_ones() -> None:
    common = SUBJECTS[:6]
    texts = [pattern.format(subject) for subject in common for pattern in BOILERPLATE * 4]
    truth = [subject for subject in common for _ in BOILERPLATE * 4]
    rare = {"parking pass": BOILERPLATE[:2], "badge reader": BOILERPLATE[2:5]}
    for subject, patterns in rare.items():
        texts += [pattern.format(subject) for pattern in patterns]
        truth += [subject] * len(patterns)
    themes = _subjects_of_each_theme(texts, truth)
    for subject, patterns in rare.items():
        assert Counter({subject: len(patterns)}) in themes, (subject, themes)
