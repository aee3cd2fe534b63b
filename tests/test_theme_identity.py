"""A theme keeps its id when its subject recurs in other words, and only then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.clustering import ClusterResult, cluster_texts, make_embedder
from bot.digest import build_digest, parse_week
from storage import Store
from tests.fakes.digest_data import W45, W46, install_owners, seed

PAYDAY_WEEK_1 = ["when do we get paid", "when do I get paid this month", "what date do we get paid"]
PAYDAY_WEEK_2 = [  # the same subject in other words: no key term in common with week 1
    "which day is payday",
    "is payday on the last friday",
    "what day is payday this month",
]
VPN = ["the vpn is not working", "vpn not working again", "my vpn is not working from home"]
PRINTER = ["the printer is not working", "printer not working again", "my printer is not working"]


def _two_weeks(
    store: Store, clock: ManualClock, tmp_path: Path, first: Sequence[str], second: Sequence[str]
) -> tuple[list[int], list[int]]:
    platform = install_owners(store, tmp_path)["AI platform"]
    for hour, question in enumerate(first):
        seed(store, clock, W45 + timedelta(hours=hour), question)
    one = build_digest(store, platform, parse_week("2026-W45"))
    for hour, question in enumerate(second):
        seed(store, clock, W46 + timedelta(hours=hour), question)
    two = build_digest(store, platform, parse_week("2026-W46"))
    return [t.theme_id for t in one.themes], [t.theme_id for t in two.themes]


def test_a_subject_asked_in_other_words_keeps_its_theme(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    [first], [second] = _two_weeks(store, clock, tmp_path, PAYDAY_WEEK_1, PAYDAY_WEEK_2)
    assert second == first
    theme = store.get_theme(first)
    assert theme is not None and theme.centroid_model == "all-MiniLM-L6-v2"
    assert theme.centroid is not None and len(theme.centroid) == 384


def test_words_alone_would_have_lost_it(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    """The claim made false: matched by key terms (the TF-IDF fallback), the theme is new."""

    def tfidf_only(texts: Sequence[str]) -> ClusterResult:
        return cluster_texts(texts, embedder=make_embedder("tfidf"))

    platform = install_owners(store, tmp_path)["AI platform"]
    for hour, question in enumerate(PAYDAY_WEEK_1):
        seed(store, clock, W45 + timedelta(hours=hour), question)
    [first] = build_digest(store, platform, parse_week("2026-W45"), clusterer=tfidf_only).themes
    for hour, question in enumerate(PAYDAY_WEEK_2):
        seed(store, clock, W46 + timedelta(hours=hour), question)
    second = build_digest(store, platform, parse_week("2026-W46"), clusterer=tfidf_only).themes
    assert first.theme_id not in [t.theme_id for t in second]


def test_another_subject_with_the_same_boilerplate_opens_a_new_theme(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    [vpn], second = _two_weeks(store, clock, tmp_path, VPN, PRINTER)
    assert second and vpn not in second
