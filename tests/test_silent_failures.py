"""Couldn't answer well: the answers nobody flagged that still failed, on both databases.

Each reason is found (provider error, "don't know", no source, weak support, sources disagree,
asked again right after), and each look-alike is not: a grounded answer, a flagged one (it is
in the flagged themes), one with a thumbs up, a verified answer, a follow-up by someone else,
too late, in another channel or on another subject. The digest counts them apart from flags
and clusters them into themes; an owner's own answer written from the digest is no failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.answering.confidence import NO_SOURCE_LINE, WEAK_LINE
from bot.answering.core import ESTIMATED_SUFFIX
from bot.answering.disagreement import DISAGREE_LINE
from bot.answering.offline import DONT_KNOW
from bot.clock import ManualClock
from bot.digest import build_digest, parse_week, render_markdown
from bot.digest.build import silent_maps
from bot.digest.knowledge_to_fix import knowledge_dates
from bot.digest.silent import is_rephrase, says_dont_know, silent_answers, silent_themes
from bot.vocabulary import SilentReason
from handlers.digest.blocks import digest_blocks
from storage import Store
from tests.fakes.digest_data import W45, W46, install_owners, seed
from tests.fakes.slack_app import write_knowledge

WEEK = parse_week("2026-W46")


def _reasons(store: Store) -> dict[str, SilentReason]:
    found = silent_answers(store.answers_seen_between(WEEK.start, WEEK.end))
    return {s.seen.question: s.reason for s in found}


def test_each_reason_is_found_and_each_look_alike_is_not(store: Store, clock: ManualClock) -> None:
    at = W46  # each asked by someone else: nobody asks again
    seed(store, clock, at, "Printer setup?", user="U1", kind=None, error="timeout")
    seed(store, clock, at, "Dogs in the office?", user="U2", kind=None, answer=DONT_KNOW,
         confidence_line=NO_SOURCE_LINE)  # fmt: skip
    seed(store, clock, at, "Gym membership?", user="U3", kind=None, answer="Maybe ask HR.",
         confidence_line=NO_SOURCE_LINE)  # fmt: skip
    seed(store, clock, at, "Bike lease?", user="U4", kind=None, confidence_line=WEAK_LINE)
    seed(store, clock, at, "Estimated weak?", user="U40", kind=None,
         confidence_line=WEAK_LINE + ESTIMATED_SUFFIX)  # fmt: skip
    seed(store, clock, at, "Vacation days?", user="U5", kind=None, confidence_line=DISAGREE_LINE)
    seed(store, clock, at, "Model says?", user="U6", kind=None,
         answer="I couldn't find anything about parking in the knowledge base.")  # fmt: skip
    seed(store, clock, at, "Grounded one?", user="U7", kind=None)
    seed(store, clock, at, "Flagged one?", user="U8", kind="down", confidence_line=WEAK_LINE)
    seed(store, clock, at, "Liked one?", user="U9", kind="up", confidence_line=WEAK_LINE)

    assert _reasons(store) == {
        "Printer setup?": SilentReason.ERROR,
        "Dogs in the office?": SilentReason.DONT_KNOW,
        "Gym membership?": SilentReason.NO_SOURCE,
        "Bike lease?": SilentReason.WEAK,
        "Estimated weak?": SilentReason.WEAK,
        "Vacation days?": SilentReason.DISAGREE,
        "Model says?": SilentReason.DONT_KNOW,
    }


def test_asked_again_counts_the_first_answer_only_for_a_rephrase_by_the_same_person_soon(
    store: Store, clock: ManualClock
) -> None:
    def pair(first: str, then: str, *, user: str, gap_min: float, channel: str = "C0GENERAL",
             other_user: str | None = None, at: int) -> None:  # fmt: skip
        start = W46 + timedelta(hours=at)
        seed(store, clock, start, first, kind=None, user=user, channel="C0GENERAL")
        seed(store, clock, start + timedelta(minutes=gap_min), then, kind=None,
             user=other_user or user, channel=channel)  # fmt: skip

    pair("How do I connect to the VPN from home?", "vpn connection from home", user="U1",
         gap_min=1, at=0)  # fmt: skip
    pair("How do I expense a taxi?", "expense taxi rides how?", user="U2", gap_min=20, at=1)
    pair("How do I book a hotel?", "hotel booking where?", user="U3", gap_min=1, at=2,
         other_user="U4")  # fmt: skip
    pair("Where is the parking garage?", "parking garage location?", user="U5", gap_min=1,
         at=3, channel="C0OTHER")  # fmt: skip
    pair("How many vacation days do I get?", "When is pay day?", user="U6", gap_min=1, at=4)
    # A follow-up on the subject is not a repeat.
    pair("How many vacation days do I get?", "Can I carry over unused vacation days?",
         user="U7", gap_min=1, at=5)  # fmt: skip
    # Another question in between does not hide the repeat after it.
    start = W46 + timedelta(hours=6)
    seed(store, clock, start, "How many days of annual leave do I have?", kind=None, user="U8")
    seed(store, clock, start + timedelta(minutes=1), "Where is the printer?", kind=None,
         user="U8")  # fmt: skip
    seed(store, clock, start + timedelta(minutes=2), "How many vacation days do I get?",
         kind=None, user="U8")  # fmt: skip

    reasons = _reasons(store)
    assert reasons == {
        "How do I connect to the VPN from home?": SilentReason.ASKED_AGAIN,
        "How many days of annual leave do I have?": SilentReason.ASKED_AGAIN,
    }


def test_a_verified_answer_is_the_owners_own_and_never_counted(
    store: Store, clock: ManualClock
) -> None:
    seeded = seed(store, clock, W46, "Relocation?", kind=None, confidence_line=NO_SOURCE_LINE)
    feedback = store.record_owner_answer(seeded.answer_id, user_id="U0OWNER1", text="Yes.")
    assert feedback.id is not None
    approved = store.approve_verified(feedback.id, answer="Yes.", variants=[], approved_by="U0")
    assert approved is not None and approved[0].id is not None
    clock.set(W46 + timedelta(hours=1))
    asked = store.add_question(text="Relocation?", user_id="U9", channel_id="C0GENERAL")
    assert asked.id is not None
    store.add_answer(
        question_id=asked.id, text="Yes.", provider="verified", model="verified",
        prompt_version="verified", verified_answer_id=approved[0].id, channel_id="C0GENERAL",
        message_ts="1900000000.000100", confidence_line="Verified by U0",
    )  # fmt: skip
    # The owner's answer is a correction row, yet nobody flagged the first answer: it is still
    # counted once; the verified answer served after it is not counted at all.
    found = silent_answers(store.answers_seen_between(WEEK.start, WEEK.end))
    assert [(s.seen.answer_id, s.reason) for s in found] == [
        (seeded.answer_id, SilentReason.NO_SOURCE)
    ]
    assert store.failures_between(WEEK.start, WEEK.end) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DONT_KNOW, True),
        ("I don't know: the documents don't say.", True),
        ("Nothing in the knowledge base covers relocation.", True),
        ("Dental implants are not covered by the health insurance.", False),
        ("There is no information about it online, but the policy says 25 days.", False),
        ("Book it in Navan. If you don't know your cost centre, ask your manager.", False),
        ("You get 25 days." + " More detail." * 40 + " I don't know the rest.", False),
    ],
)
def test_dont_know_is_read_from_the_answers_opening(text: str, expected: bool) -> None:
    assert says_dont_know(text) is expected


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("How do I connect to the VPN from home?", "vpn connection from home", True),
        ("How many vacation days do I get?", "how many days of annual leave do I have", True),
        ("How do I expense a taxi?", "expense taxi rides how?", True),
        ("How much?", "how  much?", True),
        ("How many vacation days do I get?", "Can I carry over unused vacation days?", False),
        ("How do I connect to the VPN?", "Is the VPN down right now?", False),
        ("How many vacation days do I get?", "When is pay day?", False),
        ("Where do I book travel?", "what is the hotel limit?", False),
    ],
)
def test_a_rephrase_is_the_same_question_not_a_follow_up_on_its_subject(
    first: str, then: str, expected: bool
) -> None:
    assert is_rephrase(first, then) is expected


def test_the_digest_clusters_them_and_counts_them_apart_from_flags(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owners = install_owners(store, tmp_path)
    people = owners["People team"]
    for hour, user in enumerate(["U1", "U2", "U3"]):
        seed(store, clock, W46 + timedelta(hours=hour), "Does payroll pay for relocation?",
             kind=None, user=user, answer=DONT_KNOW, confidence_line=NO_SOURCE_LINE)  # fmt: skip
    seed(store, clock, W46 + timedelta(hours=4), "payroll <!channel> bonus timing?", kind=None,
         user="U4", confidence_line=WEAK_LINE)  # fmt: skip
    seed(store, clock, W46 + timedelta(hours=5), "When does payroll run?", kind="down")
    seed(store, clock, W45, "Payroll relocation help?", kind=None, confidence_line=WEAK_LINE)

    digest = build_digest(store, people, WEEK)

    assert digest.failures == 1  # the thumbs down
    assert (digest.silent_count, digest.previous_silent) == (4, 1)
    relocation = next(t for t in digest.silent if "relocation" in t.label.lower())
    assert (relocation.count, relocation.people) == (3, 3)
    assert relocation.reasons == ((SilentReason.DONT_KNOW, 3),)
    assert len(relocation.answer_ids) == 3
    markdown = render_markdown(digest)
    assert "| Couldn't answer well (not flagged) | 4 | +3 |" in markdown
    assert "## Couldn't answer well" in markdown
    assert '3 questions · 3 people · 3 "don\'t know"' in markdown
    blocks = str([block.to_dict() for block in digest_blocks(digest, lambda c, t: f"{c}/{t}")])
    assert "*Couldn't answer well* (4 questions, not flagged)" in blocks
    assert "Propose an answer" in blocks
    assert "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks


def test_an_owners_answer_is_not_a_failure_in_any_count(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owners = install_owners(store, tmp_path)
    seeded = seed(store, clock, W46, "Does payroll pay for relocation?", kind=None,
                  answer=DONT_KNOW, confidence_line=NO_SOURCE_LINE)  # fmt: skip
    store.record_owner_answer(seeded.answer_id, user_id="U0OWNER1", text="Up to 5,000 EUR.")
    again = store.record_owner_answer(seeded.answer_id, user_id="U0OWNER2", text="Up to 6,000.")

    digest = build_digest(store, owners["People team"], WEEK)

    assert again.text == "Up to 6,000." and again.user_id == "U0OWNER2"  # one row, replaced
    assert digest.failures == 0 and digest.counts.corrections == 0
    assert digest.silent_count == 1  # still a failure the bot had: the owner answered it
    assert silent_maps(store, WEEK).now[owners["People team"].id or 0][0].seen.flagged is False


def test_an_unflagged_sources_disagree_answer_goes_to_knowledge_to_fix_not_the_silent_list(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """It was honest (it said the pages disagree); its fix is the older page."""
    owners = install_owners(store, tmp_path)
    knowledge = write_knowledge(tmp_path / "kb", {
        "hr/handbook-2019.md": "---\nupdated: 2019-03-01\n---\n# Handbook\n\n## Vacation\n\n"
                               "Every employee gets 20 vacation days per year.\n",
        "hr/leave.md": "---\nupdated: 2025-11-03\n---\n# Leave policy\n\n## Annual leave\n\n"
                       "Full-time employees get 25 vacation days per year.\n",
    })  # fmt: skip
    seed(store, clock, W46, "How many vacation days do I get per year?", kind=None,
         confidence_line=DISAGREE_LINE)  # fmt: skip

    digest = build_digest(store, owners["People team"], WEEK, knowledge=knowledge_dates(knowledge))

    assert digest.silent_count == 0 and digest.silent == ()
    [pair] = digest.conflicts
    assert (pair.newer.path, pair.older.path, pair.questions) == (
        "hr/leave.md", "hr/handbook-2019.md", 1,
    )  # fmt: skip
    assert "1 question this week; retire or correct the older page" in render_markdown(digest)


@dataclass(frozen=True)
class _OneEach:
    """A cluster per distinct question (the test is about labels, not clustering)."""

    label: str
    key_terms: tuple[str, ...]
    member_indices: tuple[int, ...]


@dataclass(frozen=True)
class _Clusters:
    themes: tuple[_OneEach, ...]


def _one_cluster_each(texts: Sequence[str]) -> _Clusters:
    return _Clusters(tuple(_OneEach(t, (t.split()[0].lower(),), (i,)) for i, t in enumerate(texts)))


def test_only_the_shown_themes_get_a_model_written_label(store: Store, clock: ManualClock) -> None:
    """A label costs a model call: the themes beyond the top three keep their own question."""
    for n, question in enumerate(["Gym?", "Bike?", "Dogs?", "Parking?", "Lockers?"]):
        for k in range(5 - n):  # Gym 5 times, Bike 4, ..., Lockers once
            seed(store, clock, W46 + timedelta(hours=n, minutes=10 * k), question,
                 user=f"U{n}{k}", kind=None, confidence_line=NO_SOURCE_LINE)  # fmt: skip
    asked: list[str] = []

    def labeler(terms: Sequence[str], questions: Sequence[str]) -> str:
        asked.append(questions[0])
        return f"Model label for {questions[0]}"

    found = silent_answers(store.answers_seen_between(WEEK.start, WEEK.end))
    themes = silent_themes(found, _one_cluster_each, labeler)

    assert asked == ["Gym?", "Bike?", "Dogs?"]
    assert [t.label for t in themes] == [
        "Model label for Gym?", "Model label for Bike?", "Model label for Dogs?", "Parking?",
        "Lockers?",
    ]  # fmt: skip
