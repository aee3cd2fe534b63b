"""The knowledge base and the offline (extractive) answerer on a real folder of Markdown files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import DONT_KNOW
from tests.fakes.offline_answers import answer_offline

FILES = {
    "it/vpn.md": (
        "# VPN access\n\nEveryone uses WireGuard.\n\n## Resetting your password\n\n"
        "Open https://vpn.example in a browser. Click *Forgot password* and follow the email.\n"
        "Resets take five minutes to reach every server.\n"
    ),
    "hr/leave.md": (
        "---\ntitle: Leave policy\nurl: https://wiki.example/leave\n---\n"
        "Parental leave is 20 weeks at full pay. Ask your manager to record it in Workday.\n\n"
        "Sick leave needs no approval for up to three days.\n"
    ),
    "finance/expenses.md": (
        "Expenses are filed in Expensify within 30 days.\n\n"
        "```\n# not a heading inside code\n```\n\nClient dinners need the client's name.\n"
    ),
}


@pytest.fixture
def knowledge(tmp_path: Path) -> KnowledgeBase:
    """A knowledge folder of three files in sub-folders."""
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "notes.csv").write_text("VPN VPN VPN password")  # no knowledge format: ignored
    return KnowledgeBase.load(tmp_path)


def ask(question: str, knowledge: KnowledgeBase) -> tuple[str, list[str], str, str]:
    """Answer offline; returns text, cited paths, confidence line and prompt version."""
    outcome, chunks = answer_offline(question, knowledge=knowledge)
    assert outcome.text == "".join(chunks) and outcome.error is None
    paths = [s.path for s in outcome.sources]
    return outcome.text, paths, outcome.confidence_line, outcome.prompt_version


def test_passages_keep_title_path_and_heading(knowledge: KnowledgeBase) -> None:
    by_path = {(p.path, p.heading): p for p in knowledge.passages}
    reset = by_path[("it/vpn.md", "Resetting your password")]
    assert reset.title == "VPN access"
    assert by_path[("hr/leave.md", "")].title == "Leave policy"
    assert by_path[("hr/leave.md", "")].url == "https://wiki.example/leave"
    assert by_path[("finance/expenses.md", "")].title == "Expenses"
    assert not any(p.path == "notes.csv" for p in knowledge.passages)
    assert not any("not a heading" in p.heading for p in knowledge.passages)


def test_offline_answer_quotes_and_cites_the_right_file(knowledge: KnowledgeBase) -> None:
    text, paths, line, version = ask("How do I reset my VPN password?", knowledge)
    assert paths == ["it/vpn.md"]
    assert text.startswith("From *VPN access*, Resetting your password [1]:\n")
    assert "> Click *Forgot password* and follow the email." in text
    assert line == "Grounded in 1 source"
    assert version == "offline-extractive@1"


def test_offline_answer_finds_a_file_by_its_front_matter_title(knowledge: KnowledgeBase) -> None:
    text, paths, _, _ = ask("how long is parental leave?", knowledge)
    assert paths == ["hr/leave.md"]
    assert "Parental leave is 20 weeks at full pay." in text


def test_offline_says_it_does_not_know_on_an_unrelated_question(knowledge: KnowledgeBase) -> None:
    text, paths, line, _ = ask("What is the capital of France?", knowledge)
    assert text == DONT_KNOW
    assert paths == []
    assert line == "No source found: check before relying on this"


def test_an_empty_or_missing_folder_has_no_passages(tmp_path: Path) -> None:
    assert KnowledgeBase.load(None).passages == []
    assert KnowledgeBase.load(tmp_path / "missing").passages == []
    assert KnowledgeBase.load(tmp_path).search("anything at all") == []


def test_search_ranks_the_specific_passage_first(knowledge: KnowledgeBase) -> None:
    hits = knowledge.search("sick leave approval")
    assert hits[0].passage.path == "hr/leave.md"
    assert "Sick leave" in hits[0].passage.text
    assert 0.0 < hits[0].coverage <= 1.0
