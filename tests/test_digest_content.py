"""What a digest tells an owner, on both databases: why a theme failed, which pages to fix,
whether last week's fixes held, one thumbs-down rate, and the week's dates."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.clock import ManualClock
from bot.digest import build_digest, parse_week, render_markdown
from bot.digest.knowledge_to_fix import KnowledgeDates
from bot.digest.model import Digest
from bot.settings import Settings
from storage import Store, make_engine, upgrade
from storage.models import FixNotice, Owner
from tests.fakes.digest_data import VACATION, W45, W46, install_owners, seed

HANDBOOK = "hr/employee-handbook-2019.md"
POLICY = "hr/leave-policy.md"
OLD_ANSWER = "From *Employee handbook (2019)*, Vacation [1]:\n> Every employee gets 20 days."
PLAIN = "From Employee handbook (2019), Vacation: Every employee gets 20 days."
_ts = itertools.count(1)


def cited(
    store: Store,
    clock: ManualClock,
    at: datetime,
    question: str,
    *,
    sources: list[str],
    kind: str | None = "down",
    user: str = "U0ASKER",
    channel: str = "C0PEOPLE",
    answer: str = OLD_ANSWER,
) -> int:
    """A question answered from `sources` at `at`, with one vote (None: no feedback); its id."""
    clock.set(at)
    n = next(_ts)
    q = store.add_question(text=question, user_id=user, channel_id=channel, message_ts=f"17{n}.1")
    assert q.id is not None
    a = store.add_answer(
        question_id=q.id, text=answer, provider="offline", model="offline",
        prompt_version="answer@v1", channel_id=channel, message_ts=f"18{n}.1",
        sources=[{"title": p, "path": p, "url": None} for p in sources],
    )  # fmt: skip
    assert a.id is not None
    if kind is not None:
        store.record_vote(answer_id=a.id, user_id=user, kind=kind, source="button")
    return a.id


def people(store: Store, tmp_path: Path) -> Owner:
    return install_owners(store, tmp_path)["People team"]


def test_each_theme_says_why_its_answers_failed(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owner = people(store, tmp_path)
    for i, question in enumerate(VACATION):
        cited(store, clock, W46 + timedelta(hours=i), question, sources=[HANDBOOK, POLICY],
              user=f"U0R{i % 3}", channel="C0PEOPLE" if i else "C0HRHELP")  # fmt: skip
    digest = build_digest(store, owner, parse_week("2026-W46"))
    [theme] = digest.themes
    assert theme.cited == (HANDBOOK, POLICY)
    assert theme.people == 3  # four flags from three people
    assert theme.channels == ("C0PEOPLE", "C0HRHELP")  # most failures first
    assert (
        theme.bad_answer == "From Employee handbook (2019), Vacation: Every employee gets 20 days."
    )
    text = render_markdown(digest)
    assert "Who: 3 people in #C0PEOPLE, #C0HRHELP" in text
    assert f"Cited: `{HANDBOOK}`, `{POLICY}`" in text
    assert (
        "Bad answer: “From Employee handbook (2019), Vacation: Every employee gets 20 days.”"
        in text
    )


def test_knowledge_to_fix_ranks_pages_by_failed_answers_and_marks_stale_ones(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owner = people(store, tmp_path)
    for i, question in enumerate(VACATION[:3]):  # three failed answers cite both pages
        cited(store, clock, W46 + timedelta(hours=i), question, sources=[HANDBOOK, POLICY])
    cited(store, clock, W46 + timedelta(hours=5), "vacation booking?", sources=[HANDBOOK],
          kind="up")  # fmt: skip
    for i in range(4):  # the policy is cited by four good answers too
        cited(store, clock, W46 + timedelta(hours=6 + i), f"vacation rules {i}?",
              sources=[POLICY], kind=None)  # fmt: skip
    dates = KnowledgeDates({HANDBOOK: date(2019, 3, 1), POLICY: date(2026, 6, 1)}, 365)
    digest = build_digest(store, owner, parse_week("2026-W46"), knowledge=dates)
    handbook, policy = digest.knowledge
    assert (handbook.path, handbook.failed, handbook.cited, handbook.stale) == (
        HANDBOOK,
        3,
        4,
        True,
    )
    assert (policy.path, policy.failed, policy.cited, policy.stale) == (POLICY, 3, 7, False)
    text = render_markdown(digest)
    assert f"| `{HANDBOOK}` ⚠️ stale: updated 01 Mar 2019 | 3 | 75% (3 of 4) |" in text
    assert f"| `{POLICY}` (updated 01 Jun 2026) | 3 | 43% (3 of 7) |" in text

    lenient = KnowledgeDates(dates.updated, stale_after_days=36500)  # nothing is that old
    relaxed = build_digest(store, owner, parse_week("2026-W46"), knowledge=lenient)
    assert not any(doc.stale for doc in relaxed.knowledge)
    assert "stale" not in render_markdown(relaxed)


def test_stale_after_days_is_a_setting() -> None:
    assert Settings.from_env({}, Path("/nonexistent")).stale_after_days == 365
    env = {"LASTMILE_STALE_AFTER_DAYS": "90"}
    assert Settings.from_env(env, Path("/nonexistent")).stale_after_days == 90


def _fixed_vacation(store: Store, clock: ManualClock, owner: Owner) -> int:
    """Vacation flagged four times in W45, its theme marked fixed at the start of W46."""
    for i, question in enumerate(VACATION):
        seed(store, clock, W45 + timedelta(hours=i), question, kind="report", reason="outdated")
    [theme] = build_digest(store, owner, parse_week("2026-W45")).themes
    clock.set(W46 - timedelta(days=1))  # Monday of W46, 10:00
    assert store.mark_theme_fixed(theme.theme_id, by="U0OWNER1")
    return theme.theme_id


def test_last_weeks_fixes_show_before_and_after_until_quiet_for_two_weeks(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owner = people(store, tmp_path)
    theme_id = _fixed_vacation(store, clock, owner)
    digest = build_digest(store, owner, parse_week("2026-W46"))
    [fix] = digest.past_fixes
    assert (fix.theme_id, fix.before, fix.after, fix.regressed) == (theme_id, 4, 0, False)
    text = render_markdown(digest)
    assert "## Last week's fixes" in text
    assert "flags 4 in the 7 days before → 0 in the 7 days since" in text
    week47 = build_digest(store, owner, parse_week("2026-W47"))
    assert [f.theme_id for f in week47.past_fixes] == [theme_id]
    assert "→ 0 in the 14 days since (0.0 a week)" in render_markdown(week47)
    quiet = build_digest(store, owner, parse_week("2026-W48"))  # two weeks without a flag
    assert quiet.past_fixes == () and "Last week's fixes" not in render_markdown(quiet)


def test_a_regressed_fix_sits_at_the_top_and_is_marked(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owner = people(store, tmp_path)
    theme_id = _fixed_vacation(store, clock, owner)
    seed(store, clock, W46 + timedelta(hours=3), "payroll date?", kind="report", reason="outdated")
    [payroll] = build_digest(store, owner, parse_week("2026-W46")).themes
    clock.set(W46 + timedelta(hours=4))
    assert store.mark_theme_fixed(payroll.theme_id, by="U0OWNER1")  # a later, holding fix
    seed(store, clock, W46 + timedelta(days=7), VACATION[0])  # vacation fails again in W47
    digest = build_digest(store, owner, parse_week("2026-W47"))
    assert [(f.theme_id, f.regressed) for f in digest.past_fixes] == [
        (theme_id, True),
        (payroll.theme_id, False),
    ]
    text = render_markdown(digest)
    fixes = text[text.index("## Last week's fixes") :]
    assert fixes.index("⚠️ **REGRESSED**") < fixes.index("✅")


def test_one_thumbs_down_rate_stated_once(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    owner = people(store, tmp_path)
    for i, kind in enumerate(["down", "up", "up", "up", None, None]):
        cited(store, clock, W46 + timedelta(hours=i), f"vacation {i}?", sources=[], kind=kind)
    digest = build_digest(store, owner, parse_week("2026-W46"))
    [row] = digest.by_version
    assert digest.counts.down_rate == row.rate == 0.25  # 1 of 4 votes, not 1 of 6 answers
    text = render_markdown(digest)
    assert (
        "| Thumbs-down rate | 25% |" in text and "| answer@v1 | offline | 6 | 4 | 1 | 25% |" in text
    )
    assert "per answer" not in text and "17%" not in text
    assert text.count("Thumbs-down rate = thumbs down ÷ (thumbs up + thumbs down)") == 1


def test_reasons_never_read_as_a_status(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    owner = people(store, tmp_path)
    for i, question in enumerate(VACATION):
        seed(store, clock, W46 + timedelta(hours=i), question, kind="correction",
             correction="25 days.")  # fmt: skip
    text = render_markdown(build_digest(store, owner, parse_week("2026-W46")))
    assert "most flags include a correction" in text and "mostly corrected" not in text


def test_fix_notices_are_left_out_of_the_headline(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    owner = people(store, tmp_path)
    theme_id = _fixed_vacation(store, clock, owner)
    notice_answer = cited(store, clock, W46, VACATION[0], sources=[], kind="up", user="U0R1")
    check = store.save_fix_check(theme_id, checked_by="U0OWNER1", results=[])
    assert check.id is not None
    told = FixNotice(fix_check_id=check.id, theme_id=theme_id, user_id="U0R1", outcome="passes",
                     created_at=clock())  # fmt: skip
    notice = store.add_fix_notice(told)
    assert notice is not None and notice.id is not None
    cited(store, clock, W46 + timedelta(hours=1), "vacation carry over?", sources=[], kind="down")
    before = build_digest(store, owner, parse_week("2026-W46")).counts
    assert (before.answers, before.up, before.down) == (2, 1, 1)
    store.set_fix_notice_answer(notice.id, notice_answer)
    counts = build_digest(store, owner, parse_week("2026-W46")).counts
    assert (counts.questions, counts.answers, counts.up, counts.down) == (2, 1, 0, 1)


def test_markdown_shows_the_weeks_dates(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    digest: Digest = build_digest(store, people(store, tmp_path), parse_week("2026-W48"))
    assert "Mon 23 Nov – Sun 29 Nov 2026 (UTC)" in render_markdown(digest)


def test_digest_preview_reads_page_dates_and_the_stale_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"sqlite:///{tmp_path / 'preview.db'}"
    engine = make_engine(database)
    upgrade(engine)
    store = Store(engine, clock=ManualClock(W46))
    people(store, tmp_path)
    for i, question in enumerate(VACATION):
        cited(store, ManualClock(W46), W46 + timedelta(hours=i), question, sources=[HANDBOOK])
    engine.dispose()
    knowledge = tmp_path / "knowledge" / "hr"
    knowledge.mkdir(parents=True)
    (knowledge / "employee-handbook-2019.md").write_text(
        "---\ntitle: Handbook\nupdated: 2019-03-01\n---\n# Vacation\n20 days.\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    env = {"DATABASE_URL": database, "LASTMILE_KNOWLEDGE_DIR": str(tmp_path / "knowledge"),
           "LASTMILE_OWNERS_FILE": str(tmp_path / "owners.toml")}  # fmt: skip
    for days, marked in (("365", True), ("36500", False)):
        out = tmp_path / f"digest-{days}.md"
        args = ["digest", "--week", "2026-W46", "--owner", "People team", "--markdown", str(out)]
        result = CliRunner().invoke(cli, args, env={**env, "LASTMILE_STALE_AFTER_DAYS": days})
        assert result.exit_code == 0, result.output
        row = f"| `{HANDBOOK}` ⚠️ stale: updated 01 Mar 2019 | 4 | 100% (4 of 4) |"
        assert (row in out.read_text(encoding="utf-8")) is marked
