"""Routing that can be trusted: word forms, whole words, phrases, the demo's routing table and
`lastmile owners --explain`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.demo.owner_actions import OWNERS_TOML as DEMO_OWNERS
from bot.demo.topics import TOPICS
from bot.owners import OwnerSpec, explain_route, load_owners_file, topic_matches
from bot.owners.words import stem

AREA_OWNER = {"hr": "People team", "travel": "People team", "it": "IT", "finance": "AI platform"}
"""Who owns each demo area: the People team takes HR and travel (its topics say so), IT the IT
questions, and finance has no owner, so the default owner (AI platform) catches it."""


def _demo_owners(tmp_path: Path) -> list[OwnerSpec]:
    path = tmp_path / "owners.toml"
    path.write_text(DEMO_OWNERS, encoding="utf-8")
    return load_owners_file(path)


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (("pay", "paid", "pays", "paying", "payment"), True),
        (("leave", "leaves", "leaving"), True),
        (("review", "reviews", "reviewed", "reviewer"), True),
        (("travel", "travels", "travelling", "traveled"), True),
        (("policy", "policies"), True),
        (("remote", "remotely"), True),
        (("print", "printer", "printing", "printed"), True),
        (("class", "classes"), True),
        (("pay", "paper"), False),
        (("need", "ne"), False),
    ],
)
def test_word_forms_share_a_stem(forms: tuple[str, ...], same: bool) -> None:
    assert (len({stem(form) for form in forms}) == 1) is same


@pytest.mark.parametrize(
    ("topic", "question"),
    [
        ("pay", "When do we get paid?"),
        ("pay", "What day is payday?"),
        ("pay", "Where is my payslip?"),
        ("pay", "When does payroll run?"),
        ("vacation", "How many Vacations do I have left?"),
        ("vacation", "my vacaton days"),  # one dropped letter in a long word
        ("performance review", "When are performance reviews?"),
        ("wi-fi", "guest wifi password"),
        ("two-factor", "set up two factor authentication"),
        ("sick", "I am ill, what do I do?"),
    ],
)
def test_topics_match_word_forms_compounds_phrases_and_slips(topic: str, question: str) -> None:
    assert topic_matches(topic, question)


@pytest.mark.parametrize(
    ("topic", "question"),
    [
        ("pay", "How do I repay a loan?"),  # not a substring
        ("pay", "Can I display my screen?"),
        ("pay", "Where do I find the paper forms?"),
        ("vacation", "What is the office location?"),  # looks alike, is another word
        ("training", "Is it raining in Berlin?"),
        ("performance review", "review my expense report"),  # the phrase, not one of its words
        ("flight", "we had a fight"),
        ("payroll", "How do I pay for lunch?"),  # a topic is not a prefix of the question word
    ],
)
def test_topics_do_not_match_substrings_lookalikes_or_loose_words(
    topic: str, question: str
) -> None:
    assert not topic_matches(topic, question)


def test_the_demo_routing_table_agrees_with_the_owning_teams(tmp_path: Path) -> None:
    owners = _demo_owners(tmp_path)
    table = [(q, AREA_OWNER[t.area]) for t in TOPICS for q in (*t.week1, *t.week2)]
    wrong = []
    for question, expected in table:
        route = explain_route(owners, "CASKDEMO", question)
        got = route.owner.name if route.owner is not None else None
        if got != expected:
            wrong.append((question, expected, got, route.reason("CASKDEMO")))
    agreement = 1 - len(wrong) / len(table)
    print(f"routing agreement {agreement:.1%} over {len(table)} demo questions")
    assert len(table) >= 60
    assert agreement >= 0.95, wrong


def test_the_demo_payroll_questions_reach_the_people_team(tmp_path: Path) -> None:
    owners = _demo_owners(tmp_path)
    for question in ("when do we get paid", "What day is payday?", "when is salary paid"):
        route = explain_route(owners, "CASKDEMO", question)
        assert route.owner is not None and route.owner.name == "People team", question
    route = explain_route(owners, "CASKDEMO", "review my expense report")
    assert route.owner is not None and route.owner.name == "AI platform"


def _explain(tmp_path: Path, *args: str) -> str:
    path = tmp_path / "owners.toml"
    path.write_text(
        DEMO_OWNERS.replace('slack = "UITLEAD01"', 'slack = "C0ITDESK"\nchannels = ["C0IT"]'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["owners", "--check", str(path), "--explain", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_owners_explain_says_which_owner_and_why(tmp_path: Path) -> None:
    paid = _explain(tmp_path, "When do we get paid?")
    assert paid == 'People team (DM to UPEOPLE01): topic "pay" matched word "paid" (word form)'
    channel = _explain(tmp_path, "When do we get paid?", "--channel", "C0IT")
    assert channel == "IT (in C0ITDESK): channel C0IT is in its channels"
    default = _explain(tmp_path, "How do I submit expenses?")
    assert default == (
        "AI platform (DM to UAIPLAT01): no channel or topic matched, so the default owner"
    )


def test_owners_explain_against_the_configured_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "owners.toml"
    path.write_text(DEMO_OWNERS, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("LASTMILE_OWNERS_FILE", str(path))
    result = CliRunner().invoke(cli, ["owners", "--explain", "Where are my payslips?"])
    assert result.exit_code == 0, result.output
    assert 'topic "payslip" matched word "payslips"' in result.output
