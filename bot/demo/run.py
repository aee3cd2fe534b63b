"""`run_demo`: two simulated weeks of the whole loop, offline, through the real Slack handlers.

Week 1: people ask, the bot answers from a knowledge folder with outdated pages, people react.
Monday: each owner's digest is posted; owners approve corrections and mark themes fixed (IT
also archives the retired VPN page). Week 2: the same people ask again in other words.
Monday: the week-2 digests show what changed.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

from bot.answering.known_issues import KNOWN_ISSUE_MARK
from bot.answering.reload import KnowledgeWatcher
from bot.answering.verified_cases import NEAR_MISSES, wrong_serves
from bot.asking import verified_entries
from bot.clock import ManualClock
from bot.demo import owner_actions as owners
from bot.demo.digests import PostedDigest, post_digests
from bot.demo.fake_slack import FakeSlack
from bot.demo.people import (
    Ask,
    Employee,
    employees,
    plan_uncovered,
    plan_week1,
    plan_week2,
    quiet_reaction,
    react,
    rephrased,
)
from bot.demo.topics import TOPICS, UNCOVERED
from bot.demo.world import SIGNING_SECRET, Answered, DemoWorld
from bot.digest.fix_tally import fix_tally
from bot.digest.period import Period
from bot.runtime import build_runtime
from bot.scheduler import DigestScheduler
from bot.settings import Settings

WEEK1 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
DIGEST_AT = timedelta(days=7, hours=9)
UNCOVERED_ASKS = 8  # week-1 questions on the subject no page covers (relocation)
BEFORE_FIX_TOPIC = "vacation-days"  # asked on the Monday, before the owners act
Step = Callable[[str], None]


@dataclass
class AskRecord:
    """One question of the run and what became of it."""

    ask: Ask
    answer_id: int
    reaction: str
    verified: bool
    warned: bool = False  # the answer carried the known-issue line


@dataclass
class DemoRun:
    """Everything the report needs."""

    directory: Path
    database: Path
    week1: list[AskRecord] = field(default_factory=list)
    week2: list[AskRecord] = field(default_factory=list)
    digests1: list[PostedDigest] = field(default_factory=list)
    digests2: list[PostedDigest] = field(default_factory=list)
    actions: owners.OwnerActions = field(default_factory=owners.OwnerActions)
    fixed_topics: set[str] = field(default_factory=set)
    told: int = 0
    """Reporters told their answer was fixed (or changed), each with their new answer."""
    told_while_failing: int = 0
    """Of those, how many still get a failing answer when asked again at the end (should be 0)."""
    held_back: int = 0
    """Reporters not told, because the fix check found their own question still failing."""
    near_miss_wrong: int = 0
    """Near-miss questions (same words, other subject) that would get a verified answer."""
    before_fix: AskRecord | None = None
    """A vacation question asked on Monday after the digest, before the owners act on it."""
    notes: list[str] = field(default_factory=list)


def prepare(directory: Path) -> tuple[Path, Path, Path]:
    """A fresh demo folder: knowledge copied from package data, owners file, no old database."""
    directory.mkdir(parents=True, exist_ok=True)
    knowledge = directory / "knowledge"
    shutil.rmtree(knowledge, ignore_errors=True)
    shutil.rmtree(directory / "archived", ignore_errors=True)
    source = resources.files("bot.demo").joinpath("knowledge")
    with resources.as_file(source) as path:
        shutil.copytree(path, knowledge)
    owners_file = directory / "owners.toml"
    owners_file.write_text(owners.OWNERS_TOML, encoding="utf-8")
    database = directory / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return knowledge, owners_file, database


def demo_settings(knowledge: Path, owners_file: Path, database: Path, api_url: str) -> Settings:
    """Offline provider, SQLite, the demo's knowledge and owners; Slack is the local fake."""
    return Settings(
        slack_bot_token="xoxb-demo",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        database_url=f"sqlite:///{database}",
        provider="offline",
        knowledge_dir=knowledge,
        owners_file=owners_file,
    )


def run_demo(directory: Path, *, questions: int = 200, seed: int = 7, step: Step) -> DemoRun:
    """Run both weeks; `step(label)` is called once per question and milestone (progress)."""
    knowledge, owners_file, database = prepare(directory)
    clock = ManualClock(WEEK1)
    slack = FakeSlack().start()
    settings = demo_settings(knowledge, owners_file, database, slack.api_url)
    runtime = build_runtime(settings, clock=clock, instance_id="demo")
    run = DemoRun(directory, database)
    rng = random.Random(seed)
    people = employees()
    plan1 = plan_week1(rng, list(TOPICS), people, questions // 2, WEEK1)
    plan2 = plan_week2(rng, plan1, WEEK1 + timedelta(7))
    quiet = random.Random(seed + 1)  # the uncovered subject's own stream: the rest replays as is
    uncovered = plan_uncovered(quiet, UNCOVERED, people, UNCOVERED_ASKS, WEEK1)
    plan1 = sorted([*plan1, *uncovered], key=lambda ask: ask.at)
    plan2 = sorted([*plan2, *plan_week2(quiet, uncovered, WEEK1 + timedelta(7))],
                   key=lambda ask: ask.at)  # fmt: skip
    posted: list[PostedDigest] = []

    def send_digest(period: Period) -> None:  # called by the digest scheduler when it fires
        posted.extend(post_digests(world, period, run.notes))

    with DemoWorld(runtime, slack, send_digest) as world:
        run.week1 = ask_all(world, clock, rng, plan1, step, quiet)
        clock.set(WEEK1 + DIGEST_AT)
        run.digests1 = monday_morning(world, posted)
        step("week-1 digests posted")
        clock.advance(timedelta(minutes=1))
        run.before_fix = ask_before_the_fix(world, people[0])
        clock.advance(timedelta(minutes=1))
        topic_of = {r.answer_id: r.ask.topic.key for r in run.week1}
        act_on_digests(world, run, topic_of, knowledge)
        step("owners acted")
        run.week2 = ask_all(world, clock, rng, plan2, step, quiet)
        clock.set(WEEK1 + timedelta(7) + DIGEST_AT)
        run.digests2 = monday_morning(world, posted)
        step("week-2 digests posted")
        tally = fix_tally(world.runtime)  # asks every told reporter's question again, now
        run.told, run.held_back = tally.told, tally.held_back
        run.told_while_failing = tally.told_while_failing
        wrong = wrong_serves(NEAR_MISSES, verified_entries(world.runtime))
        run.near_miss_wrong = len(wrong)
    runtime.store.engine.dispose()
    return run


def monday_morning(world: DemoWorld, posted: list[PostedDigest]) -> list[PostedDigest]:
    """The digest scheduler looks at the clock (09:00 Monday) and posts; what did it post?"""
    posted.clear()
    world.tick(DigestScheduler.name)
    if not posted:
        raise RuntimeError("the digest scheduler posted no digest at its fire time")
    return list(posted)


def ask_all(
    world: DemoWorld, clock: ManualClock, rng: random.Random, plan: list[Ask], step: Step,
    quiet: random.Random,
) -> list[AskRecord]:  # fmt: skip
    """Ask every planned question at its time and react to the answer actually given.

    An answer on the uncovered subject that doesn't answer is taken quietly (`quiet` decides):
    mostly no click, often the same question again in other words a minute later.
    """
    records = []
    for ask in plan:
        clock.set(ask.at)
        pending = [ask]
        while pending:
            asked = pending.pop()
            answered = world.ask(asked.employee, asked.text)
            again = False
            if asked.topic.key == UNCOVERED.key and not asked.topic.is_right(answered.text):
                reaction, again = quiet_reaction(quiet)
            else:
                reaction = react(rng, asked.topic, answered.text)
            if again and asked is ask:
                pending.append(replace(ask, text=rephrased(quiet, ask.topic, ask.text)))
            clock.advance(timedelta(minutes=1 if again else 2))
            world.react(asked.employee, answered, reaction)
            records.append(_record(asked, answered, reaction.kind))
            step(f"week {asked.week}: {asked.text}")
    return records


def ask_before_the_fix(world: DemoWorld, employee: Employee) -> AskRecord:
    """Someone asks about vacation days on Monday morning, after the digest was posted and
    before the People team acts on it: the answer carries the known-issue warning."""
    topic = next(t for t in TOPICS if t.key == BEFORE_FIX_TOPIC)
    ask = Ask(world.runtime.clock(), employee, topic, topic.week2[0], 2)
    return _record(ask, world.ask(employee, ask.text), "none")


def _record(ask: Ask, answered: Answered, reaction: str) -> AskRecord:
    """What became of one question, read from the answer message Slack received."""
    verified = "Verified by" in str(answered.message.get("blocks"))
    warned = KNOWN_ISSUE_MARK in answered.text
    return AskRecord(ask, answered.answer_id, reaction, verified, warned)


def act_on_digests(
    world: DemoWorld, run: DemoRun, topic_of: dict[int, str], knowledge: Path
) -> None:
    """The owners read their week-1 digest and click its buttons."""
    by_owner = {d.slack_id: d for d in run.digests1}
    topics = owners.theme_topics(world, topic_of)
    people = by_owner.get(owners.PEOPLE)
    if people is not None:
        approved, themes = owners.approve_corrections(
            world, owners.PEOPLE, people.message, people.channel, topic_of
        )
        run.actions.approved = approved
        for theme in sorted(themes):
            if owners.mark_fixed(world, owners.PEOPLE, people.message, people.channel, theme):
                run.actions.fixed_themes.append(theme)
        run.actions.answered = owners.propose_answers(
            world, owners.PEOPLE, people.message, people.channel,
            {UNCOVERED.key: UNCOVERED.correction}, topic_of,
        )  # fmt: skip
    it = by_owner.get(owners.IT)
    if it is not None:
        archive(knowledge, owners.ARCHIVED_PAGE, run)
        world.tick(KnowledgeWatcher.name)  # the running bot would notice within a minute
        for theme in owners.themes_about(topics, owners.FIX_TOPIC):
            if owners.mark_fixed(world, owners.IT, it.message, it.channel, theme):
                run.actions.fixed_themes.append(theme)
    for theme in run.actions.fixed_themes:
        seen = topics.get(theme)
        if seen:  # what the theme is about: its most common topic
            run.fixed_topics.add(seen.most_common(1)[0][0])
    run.fixed_topics.update(run.actions.approved)


def archive(knowledge: Path, page: str, run: DemoRun) -> None:
    """Move a retired page out of the knowledge folder, as its owner would."""
    source = knowledge / page
    if source.is_file():
        target = run.directory / "archived" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
        run.actions.archived.append(page)
