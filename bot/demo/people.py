"""Simulated employees: who asks what and when, and how they react to the answer they got.

Reactions depend on the answer the bot really gave: a right answer mostly passes silently or
gets a thumbs up; an outdated one (a retired fact) draws thumbs down, corrections and reports.
Every choice comes from one seeded `random.Random`, so a seed replays the same two weeks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.demo.scenario import Topic

NAMES = (
    "ana", "ben", "chloe", "dev", "emma", "farid", "grace", "hugo", "ines", "jon", "kemal",
    "lea", "mia", "noah", "olga", "pablo", "quinn", "rosa", "sam", "tara", "umar", "vera",
    "wes", "xena", "yuki", "zoe", "arjun", "bea", "carl", "dina", "eli", "fay", "gus", "hana",
    "ivan", "jade", "kai", "lina", "milo", "nora",
)  # fmt: skip
CHANNEL = "CASKDEMO"
WORKDAYS = 5


@dataclass(frozen=True)
class Employee:
    """A person in the demo company."""

    user_id: str
    name: str


@dataclass(frozen=True)
class Ask:
    """One question: who, when, about what, in which words."""

    at: datetime
    employee: Employee
    topic: Topic
    text: str
    week: int


@dataclass(frozen=True)
class Reaction:
    """What a person does after reading an answer."""

    kind: str  # none | up | down | correction | report
    reason: str | None = None
    correction: str = ""
    link: str = ""


def employees(count: int = len(NAMES)) -> list[Employee]:
    """The company's people, U-ids in Slack's style."""
    return [Employee(f"U{n:04d}DEMO", name) for n, name in enumerate(NAMES[:count], start=1)]


def _moment(rng: random.Random, monday: datetime) -> datetime:
    day = rng.randrange(WORKDAYS)
    return monday + timedelta(days=day, hours=9 + rng.random() * 8)


def plan_week1(
    rng: random.Random, topics: list[Topic], people: list[Employee], count: int, monday: datetime
) -> list[Ask]:
    """`count` questions over the week, topics weighted by how often people need them."""
    weights = [topic.weight for topic in topics]
    asks = []
    for _ in range(count):
        topic = rng.choices(topics, weights)[0]
        text = rng.choice(topic.week1)
        asks.append(Ask(_moment(rng, monday), rng.choice(people), topic, text, 1))
    return sorted(asks, key=lambda ask: ask.at)


def plan_week2(rng: random.Random, week1: list[Ask], monday: datetime) -> list[Ask]:
    """The same people ask the same things again a week later, in other words."""
    asks = [
        Ask(_moment(rng, monday), ask.employee, ask.topic, rng.choice(ask.topic.week2), 2)
        for ask in week1
    ]
    return sorted(asks, key=lambda ask: ask.at)


def react(rng: random.Random, topic: Topic, answer: str) -> Reaction:
    """How a person reacts to `answer`: judged against the truth, not the bot's confidence."""
    roll = rng.random()
    if topic.is_right(answer):
        # Most good answers pass silently; a few get thanks, a very few a grumpy thumbs down.
        if roll < 0.72:
            return Reaction("none")
        return Reaction("up") if roll < 0.97 else Reaction("down")
    reason = "outdated" if topic.is_outdated(answer) else rng.choice(("incomplete", "off_topic"))
    correction = topic.correction if topic.correction and reason == "outdated" else ""
    if roll < 0.25:
        return Reaction("none")
    if roll < 0.62:
        return Reaction("down", reason=reason if rng.random() < 0.6 else None)
    if roll < 0.85 and correction:
        return Reaction("correction", reason=reason, correction=correction, link=topic.link)
    return Reaction("report", reason=reason, correction=correction)


def plan_uncovered(
    rng: random.Random, topic: Topic, people: list[Employee], count: int, monday: datetime
) -> list[Ask]:
    """`count` week-1 questions on a subject no page covers, from their own random stream (so
    the rest of the demo replays as before)."""
    asks = [
        Ask(_moment(rng, monday), rng.choice(people), topic, rng.choice(topic.week1), 1)
        for _ in range(count)
    ]
    return sorted(asks, key=lambda ask: ask.at)


def quiet_reaction(rng: random.Random) -> tuple[Reaction, bool]:
    """How a person takes an answer that didn't answer: mostly no click, often asking again in
    other words right away (the bool); rarely a thumbs down."""
    roll = rng.random()
    if roll < 0.1:
        return Reaction("down", reason="off_topic"), False
    return Reaction("none"), roll < 0.55


def rephrased(rng: random.Random, topic: Topic, text: str) -> str:
    """Another wording of the same question."""
    others = [q for q in (*topic.week1, *topic.week2) if q != text]
    return rng.choice(others) if others else text
