"""Digest content on both databases: headline numbers, routing, themes across weeks, statuses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.clock import ManualClock
from bot.digest import build_digest, collect_failures, parse_week, render_markdown
from bot.digest.wording import failures_text, reason_text, themes_text, votes_text
from storage import Store
from storage.models import Feedback
from tests.fakes.digest_data import VACATION, W45, W46, install_owners, seed


def test_headline_numbers_count_only_the_owners_questions(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owners = install_owners(store, tmp_path)
    seed(store, clock, W46, "Where do I find the org chart?", kind="down", channel="C0PEOPLE")
    seed(store, clock, W46, "When is payroll run?", kind="up")  # topic: People team
    seed(store, clock, W46, "Printer setup?", kind="down")  # nobody's channel or topic
    seed(store, clock, W46, "Monitor setup?", kind="up")
    seed(store, clock, W46, "Docking station?", kind=None)

    week = parse_week("2026-W46")
    people = build_digest(store, owners["People team"], week).counts
    platform = build_digest(store, owners["AI platform"], week).counts

    assert (people.questions, people.up, people.down) == (2, 1, 1)
    assert (platform.questions, platform.up, platform.down) == (3, 1, 1)


def test_headline_counts_and_change_against_last_week(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owners = install_owners(store, tmp_path)
    seed(store, clock, W45, "Where is the VPN guide?", kind="down")
    seed(store, clock, W45, "What is the wifi password?", kind="up")
    seed(store, clock, W46, "Expense a taxi?", kind="down")
    seed(store, clock, W46 + timedelta(hours=1), "Expense a hotel?", kind="down")
    seed(store, clock, W46 + timedelta(hours=2), "Expense lunch?", kind="up")
    seed(store, clock, W46 + timedelta(hours=3), "Who is my HR partner?", kind="report",
         reason="outdated")  # fmt: skip
    seed(store, clock, W46 + timedelta(hours=4), "Parking rules?", kind="correction",
         correction="Parking is on level -2.")  # fmt: skip
    seed(store, clock, W46 + timedelta(hours=5), "Printer setup?", kind=None, error="timeout")

    digest = build_digest(store, owners["AI platform"], parse_week("2026-W46"))

    counts, previous = digest.counts, digest.previous
    assert (counts.questions, counts.answers, counts.errors) == (6, 5, 1)
    assert (counts.up, counts.down, counts.reports, counts.corrections) == (1, 2, 1, 1)
    assert (previous.questions, previous.up, previous.down) == (2, 1, 1)
    assert round(counts.down_rate, 2) == 0.67 and previous.down_rate == 0.5
    assert digest.failures == 4  # 2 thumbs down, 1 report, 1 correction (what people flagged)
    assert digest.silent_count == 1  # the provider error nobody flagged: "Couldn't answer well"
    assert sum(day.votes for day in digest.daily) == 3 and len(digest.daily) == 7
    [row] = digest.by_version
    assert (row.prompt_version, row.answers, row.downs) == ("answer@v1", 6, 2)


def test_each_failure_goes_to_exactly_one_owner(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owners = install_owners(store, tmp_path)
    seed(store, clock, W46, "Anything at all", channel="C0PEOPLE")  # channel match
    seed(store, clock, W46, "When is payroll day?", channel="C0GENERAL")  # topic match
    seed(store, clock, W46, "How do I reset the VPN?", channel="C0GENERAL")  # default
    routed = collect_failures(store, parse_week("2026-W46"))
    people, platform = owners["People team"].id, owners["AI platform"].id
    assert people is not None and platform is not None
    assert sorted(f.question for f in routed[people]) == ["Anything at all", "When is payroll day?"]
    assert [f.question for f in routed[platform]] == ["How do I reset the VPN?"]


def test_themes_carry_across_weeks_new_recurring_regressed(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    people = install_owners(store, tmp_path)["People team"]
    for day, question in enumerate(VACATION[:3]):
        seed(store, clock, W45 + timedelta(hours=day), question, reason="outdated", kind="report")
    first = build_digest(store, people, parse_week("2026-W45"))
    [theme] = first.themes
    assert (theme.status, theme.count, theme.previous_count) == ("new", 3, 0)
    assert theme.top_reason == "outdated"

    for day, question in enumerate(VACATION):
        seed(store, clock, W46 + timedelta(hours=day), question)
    second = build_digest(store, people, parse_week("2026-W46"))
    [again] = second.themes
    assert again.theme_id == theme.theme_id
    assert (again.status, again.count, again.previous_count, again.trend) == ("recurring", 4, 3, 1)

    clock.set(W46 + timedelta(days=6))
    assert store.mark_theme_fixed(theme.theme_id, by="U0OWNER1")
    seed(store, clock, W46 + timedelta(days=8), VACATION[0])
    third = build_digest(store, people, parse_week("2026-W47"))
    assert [t.status for t in third.themes] == ["regressed"]
    stored = store.get_theme(theme.theme_id)
    assert stored is not None and stored.status == "open"  # reopened by the regression

    seed(store, clock, W46 + timedelta(days=15), VACATION[1])
    fourth = build_digest(store, people, parse_week("2026-W48"))
    assert [t.status for t in fourth.themes] == ["recurring"]  # the regression was last week


def test_members_get_their_theme_id(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    people = install_owners(store, tmp_path)["People team"]
    ids = [seed(store, clock, W46 + timedelta(hours=i), q).feedback_id for i, q in
           enumerate(VACATION)]  # fmt: skip
    digest = build_digest(store, people, parse_week("2026-W46"))
    [theme] = digest.themes
    with store.session() as session:
        rows = session.exec(select(Feedback).where(Feedback.id.in_(ids))).all()  # type: ignore[union-attr]
    assert {row.theme_id for row in rows} == {theme.theme_id}
    assert len(theme.examples) == 3 and theme.examples[0].question == VACATION[-1]


def test_snoozed_theme_is_left_out_for_one_week(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    people = install_owners(store, tmp_path)["People team"]
    for i, question in enumerate(VACATION):
        seed(store, clock, W45 + timedelta(hours=i), question)
        seed(store, clock, W46 + timedelta(hours=i), question)
    [theme] = build_digest(store, people, parse_week("2026-W45")).themes
    store.snooze_theme(theme.theme_id, parse_week("2026-W46").end)
    hidden = build_digest(store, people, parse_week("2026-W46"))
    assert hidden.themes == () and hidden.hidden_themes == 1
    seed(store, clock, W46 + timedelta(days=7), VACATION[0])
    assert len(build_digest(store, people, parse_week("2026-W47")).themes) == 1


def test_markdown_escapes_hostile_text(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    people = install_owners(store, tmp_path)["People team"]
    hostile = "vacation <!channel> **bold** [click](http://evil.example) `tick`"
    for i in range(3):
        seed(store, clock, W46 + timedelta(hours=i), f"{hostile} {i}", channel="C0PEOPLE")
    text = render_markdown(build_digest(store, people, parse_week("2026-W46")))
    assert "<!channel>" not in text and "[click](http" not in text
    assert "\\<!channel\\>" in text and "\\*\\*bold\\*\\*" in text


def test_wording_is_for_people() -> None:
    assert reason_text("wrong_facts") == "wrong facts"
    assert reason_text("off_topic") == "did not answer the question"
    assert reason_text("thumbs down") == "thumbs down"
    assert (failures_text(1), failures_text(2)) == ("1 failure", "2 failures")
    assert (themes_text(1), themes_text(3)) == ("1 theme", "3 themes")
    assert (votes_text(0, 0.0), votes_text(1, 1.0), votes_text(4, 0.25)) == (
        "no votes",
        "100% of 1 vote",
        "25% of 4 votes",
    )
