"""The model's review of borderline themes, through the real SDKs against the fake LLM servers.

A subject the clustering split in two is joined when the model says SAME, and a loose theme of
two subjects is cut in two when it says DIFFERENT; pairs it calls DIFFERENT, pairs that are not
borderline, and everything once the budget is spent or the model fails stay as clustered.
Offline there is no review at all.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import anthropic
import openai
import pytest

from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.offline import OfflineAnswerer
from bot.answering.openai_provider import OpenAIAnswerer
from bot.answering.prompt import load_prompt
from bot.clock import ManualClock
from bot.clustering import ClusterResult, cluster_texts, make_embedder
from bot.digest import build_digest, parse_week
from bot.digest.theme_review import (
    SPLIT_BELOW,
    ThemeReviewer,
    borderline_pairs,
    reviewed,
    theme_reviewer,
)
from bot.digest.themes import Clusters, default_clusterer
from storage import Store
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.digest_data import W46, install_owners, seed
from tests.fakes.llm_server import RecordedRequest, Reply
from tests.fakes.openai_server import FakeOpenAIServer

VACATION_SPLIT = [  # the default clustering makes three themes of these: vacation, leave, holiday
    "How many vacation days do I get per year?",
    "How many vacation days are left for me this year?",
    "what is my annual leave allowance",
    "holiday entitlement for part-time staff",
    "Can I carry over unused vacation days?",
    "do unused vacation days roll over to next year",
    "carry over leave to january",
]
TIME_OFF = ("vacation", "leave", "holiday")
OTHERS = [
    "the vpn is not working",
    "vpn not working again",
    "my vpn is not working from home",
    "printer not working",
    "the printer is broken",
    "how do I reset my password",
    "forgot my password",
]
QUESTIONS = VACATION_SPLIT + OTHERS


def group_questions(request: RecordedRequest, group: str) -> list[str]:
    """The questions the model was shown for group "A" or "B" (the user message's passages)."""
    content = request.body["messages"][-1]["content"]
    text = content if isinstance(content, str) else " ".join(b["text"] for b in content)
    found = re.findall(rf'title="group {group} question"[^>]*>(.*?)</passage>', text, re.S)
    return [question.strip() for question in found]


def same_when_both_about_vacation(request: RecordedRequest) -> Reply:
    """The judge: SAME when both groups are about time off, or both about one laptop part."""
    groups = [" ".join(group_questions(request, g)) for g in "AB"]
    both = all(any(w in part for w in TIME_OFF) for part in groups) or any(
        all(part_word in group for group in groups) for part_word in ("battery", "screen")
    )
    return Reply(chunks=("SAME" if both else "DIFFERENT",))


@pytest.fixture
def judge() -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(chooser=same_when_both_about_vacation) as server:
        yield server


def reviewer_for(server: FakeAnthropicServer, **limits: float) -> ThemeReviewer:
    client = anthropic.Anthropic(api_key="test", base_url=server.base_url, max_retries=0)
    reviewer = theme_reviewer(AnthropicAnswerer(client, model="claude-test"))
    assert reviewer is not None
    for name, value in limits.items():
        setattr(reviewer, name, value)
    return reviewer


def themes_of(result: Clusters, texts: Sequence[str]) -> list[set[str]]:
    return [{texts[i] for i in theme.member_indices} for theme in result.themes]


def test_the_clustering_alone_splits_vacation_and_the_pair_is_borderline() -> None:
    """The premise of the tests below, so they cannot pass by the clustering alone."""
    result = cluster_texts(QUESTIONS)
    themes = themes_of(result, QUESTIONS)
    split = [i for i, t in enumerate(themes) if t & set(VACATION_SPLIT)]
    assert len(split) == 3
    pairs = borderline_pairs(result.themes)
    assert any(i in split and j in split for i, j in pairs)


def test_a_subject_split_in_two_is_joined_when_the_model_says_same(
    judge: FakeAnthropicServer,
) -> None:
    reviewer = reviewer_for(judge)
    result = reviewed(default_clusterer, reviewer)(QUESTIONS)
    assert isinstance(result, ClusterResult)
    themes = themes_of(result, QUESTIONS)
    assert set(VACATION_SPLIT) in themes
    assert not any(t & set(VACATION_SPLIT) and t - set(VACATION_SPLIT) for t in themes)
    assert reviewer.merged == 2 and reviewer.calls == len(judge.requests) >= 1
    assert [t.index for t in result.themes] == list(range(len(result.themes)))
    assert sorted(i for t in result.themes for i in t.member_indices) == list(range(len(QUESTIONS)))
    assert result.labels == [
        next(t.index for t in result.themes if i in t.member_indices) for i in range(len(QUESTIONS))
    ]


def test_the_model_sees_theme_summaries_not_every_row(judge: FakeAnthropicServer) -> None:
    many = [f"{q} (ticket {n})" for n in range(8) for q in VACATION_SPLIT]
    reviewed(default_clusterer, reviewer_for(judge))(many + OTHERS)
    assert judge.requests
    for request in judge.requests:
        assert 1 <= len(group_questions(request, "A")) <= 5
        assert 1 <= len(group_questions(request, "B")) <= 5


def test_the_budget_caps_the_calls(judge: FakeAnthropicServer) -> None:
    reviewer = reviewer_for(judge, max_pairs=0)
    result = reviewed(default_clusterer, reviewer)(QUESTIONS)
    assert judge.requests == [] and reviewer.merged == 0
    assert themes_of(result, QUESTIONS) == themes_of(cluster_texts(QUESTIONS), QUESTIONS)


def test_a_failing_model_leaves_the_clustering_and_stops_asking(
    judge: FakeAnthropicServer,
) -> None:
    judge.fail_with(500, times=3)
    reviewer = reviewer_for(judge)
    result = reviewed(default_clusterer, reviewer)(QUESTIONS)
    assert reviewer.gave_up and reviewer.merged == 0
    assert reviewer.calls == 1 and len(judge.requests) == 2  # one call, retried once on a 5xx
    assert themes_of(result, QUESTIONS) == themes_of(cluster_texts(QUESTIONS), QUESTIONS)


def test_a_stalled_model_costs_one_deadline_then_the_review_is_off(
    judge: FakeAnthropicServer,
) -> None:
    judge.stall(30.0, "SAME")
    reviewer = reviewer_for(judge, timeout_s=1.5)
    started = time.monotonic()
    result = reviewed(default_clusterer, reviewer)(QUESTIONS)
    assert time.monotonic() - started < 10.0
    assert reviewer.gave_up and reviewer.merged == 0
    assert themes_of(result, QUESTIONS) == themes_of(cluster_texts(QUESTIONS), QUESTIONS)


def test_an_unreadable_verdict_keeps_the_pair_apart(judge: FakeAnthropicServer) -> None:
    judge.reply_with("Hmm, maybe they are related.")  # the answer to the closest pair
    reviewer = reviewer_for(judge)
    result = reviewed(default_clusterer, reviewer)(QUESTIONS)
    assert not reviewer.gave_up and reviewer.calls == len(judge.requests) >= 2
    first = group_questions(judge.requests[0], "A") + group_questions(judge.requests[0], "B")
    [theme_of_first_pair] = [t for t in themes_of(result, QUESTIONS) if first[0] in t]
    assert not set(first) <= theme_of_first_pair  # that pair stayed apart


def test_the_openai_sdk_path_joins_the_same_way() -> None:
    with FakeOpenAIServer(chooser=same_when_both_about_vacation) as server:
        client = openai.OpenAI(api_key="test", base_url=server.base_url, max_retries=0)
        reviewer = theme_reviewer(OpenAIAnswerer(client, model="gpt-test"))
        assert reviewer is not None
        result = reviewed(default_clusterer, reviewer)(QUESTIONS)
    assert set(VACATION_SPLIT) in themes_of(result, QUESTIONS)


def test_offline_there_is_no_review() -> None:
    assert theme_reviewer(OfflineAnswerer()) is None
    assert reviewed(default_clusterer, None) is default_clusterer


def test_the_digest_shows_one_vacation_theme_after_the_review(
    store: Store, clock: ManualClock, tmp_path: Path, judge: FakeAnthropicServer
) -> None:
    people = install_owners(store, tmp_path)["People team"]
    for hour, question in enumerate(QUESTIONS):
        seed(store, clock, W46 + timedelta(hours=hour), question, channel="C0PEOPLE")
    digest = build_digest(
        store, people, parse_week("2026-W46"),
        clusterer=reviewed(default_clusterer, reviewer_for(judge)),
    )  # fmt: skip
    counts = sorted(theme.count for theme in digest.themes)
    assert counts[-1] == len(VACATION_SPLIT)
    assert load_prompt("theme_review").version.startswith("theme_review@")


BATTERY = [
    "laptop battery drains fast",
    "laptop battery will not charge",
    "laptop battery is swollen",
]
SCREEN = ["laptop screen flickers", "laptop screen is cracked", "laptop screen too dim"]


def one_theme_of_two_subjects() -> tuple[ClusterResult, list[str]]:
    """A clustering that put battery and screen questions in one theme (as a looser cut would)."""
    from bot.clustering.split import theme_of

    texts = BATTERY + SCREEN
    rows = make_embedder("semantic").embed(texts)
    joined = theme_of(cluster_texts(texts).themes[0], list(range(len(texts))), rows, texts)
    return ClusterResult([0] * len(texts), [joined], "all-MiniLM-L6-v2"), texts


def test_a_theme_of_two_subjects_is_split_when_the_model_says_different(
    judge: FakeAnthropicServer,
) -> None:
    given, texts = one_theme_of_two_subjects()
    assert given.themes[0].cohesion < SPLIT_BELOW  # loose enough to be reviewed
    reviewer = reviewer_for(judge)
    result = reviewed(lambda _: given, reviewer)(texts)
    assert {frozenset(t) for t in themes_of(result, texts)} == {
        frozenset(BATTERY),
        frozenset(SCREEN),
    }
    assert reviewer.split == 1 and reviewer.merged == 0
    assert len(judge.requests) == 1  # the halves, once: not asked again as a pair to join
    assert isinstance(result, ClusterResult)
    assert {t.label for t in result.themes} <= set(texts)
    assert result.labels == [0 if t in result.themes[0].member_indices else 1 for t in range(6)]


def test_a_theme_the_model_calls_one_subject_stays_whole(judge: FakeAnthropicServer) -> None:
    given, texts = one_theme_of_two_subjects()
    judge.reply_with("SAME")
    reviewer = reviewer_for(judge)
    result = reviewed(lambda _: given, reviewer)(texts)
    assert themes_of(result, texts) == [set(texts)] and reviewer.split == 0
