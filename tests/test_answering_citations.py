"""Citation numbers: every [n] in an answer is the n-th listed source, offline and from an LLM."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest

from bot.answering import KnowledgeBase, Passage, answer_question, load_prompt
from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.citations import CitationNumbers, renumber
from bot.answering.types import AnswerOutcome
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.test_answering_eval import KNOWLEDGE
from tests.test_answering_retrieval import offline

CONTEXT = (
    Passage("VPN", "it/vpn.md", "Reset", "a"),
    Passage("Leave", "hr/leave.md", "", "b"),
    Passage("VPN", "it/vpn.md", "Mac", "c"),
    Passage("Wifi", "it/wifi.md", "", "d", url="https://wiki.example/wifi"),
)
_CITED = re.compile(r"\[(\d+)\]")


def test_numbers_follow_first_citation_and_a_file_keeps_its_number() -> None:
    text, sources = renumber("See [4], then [1] and [3]; also [2].", CONTEXT)
    assert text == "See [1], then [2] and [2]; also [3]."
    assert [s.path for s in sources] == ["it/wifi.md", "it/vpn.md", "hr/leave.md"]
    assert sources[0].url == "https://wiki.example/wifi"


def test_a_citation_split_across_chunks_is_renumbered_whole() -> None:
    numbers = CitationNumbers(CONTEXT)
    pieces = [numbers.feed(chunk) for chunk in ("Use Wi-Fi [", "4", "] or VPN [1", "]")]
    assert pieces == ["Use Wi-Fi ", "", "[1] or VPN ", "[2]"]
    assert numbers.feed("and [") == "and "
    assert numbers.flush() == "["  # an unfinished bracket at the very end is kept as written


def test_out_of_range_numbers_and_indexing_in_code_are_left_alone() -> None:
    text, sources = renumber("See [9] and `items[1]` and f(x)[2], not [0].", CONTEXT)
    assert text == "See [9] and `items[1]` and f(x)[2], not [0]."
    assert sources == []


def cited_numbers(outcome: AnswerOutcome) -> list[int]:
    """The distinct citation numbers in the answer, in order of first appearance."""
    return list(dict.fromkeys(int(n) for n in _CITED.findall(outcome.text)))


@pytest.mark.parametrize(
    "question",
    [
        "How many vacation days do I get per year?",
        "How do I request time off?",
        "What is the meal allowance per day on a business trip?",
        "How do I connect to the VPN from home?",
    ],
)
def test_offline_see_also_numbers_count_up_with_the_listed_sources(question: str) -> None:
    outcome = offline(question, KnowledgeBase.load(KNOWLEDGE))
    assert cited_numbers(outcome) == list(range(1, len(outcome.sources) + 1))
    for n, source in enumerate(outcome.sources, start=1):
        assert f"*{source.title}*" in outcome.text.split(f"[{n}]")[0].splitlines()[-1]


@pytest.fixture
def llm(tmp_path: Path) -> Iterator[tuple[FakeAnthropicServer, AnthropicAnswerer, KnowledgeBase]]:
    """A real Anthropic client against the fake server; three passages from two files."""
    (tmp_path / "vpn.md").write_text(
        "# VPN\n\n## Reset\n\nReset the VPN password at vpn.example.\n\n"
        "## Mac\n\nOn a Mac, reset the VPN password in the app.\n"
    )
    (tmp_path / "wifi.md").write_text("# Wifi\n\nOffice wifi needs no VPN password reset.\n")
    with FakeAnthropicServer() as server:
        client = anthropic.Anthropic(api_key="k", base_url=server.base_url, max_retries=0)
        yield server, AnthropicAnswerer(client, "claude-haiku-4-5"), KnowledgeBase.load(tmp_path)
        client.close()


def test_llm_citations_are_renumbered_as_they_stream(
    llm: tuple[FakeAnthropicServer, AnthropicAnswerer, KnowledgeBase],
) -> None:
    server, answerer, knowledge = llm
    question = "How do I reset my VPN password?"
    context = [(h.passage.path, h.passage.heading) for h in knowledge.search(question)]
    assert context == [("vpn.md", "Reset"), ("vpn.md", "Mac"), ("wifi.md", "Wifi")]
    # The model cites passage 3 first, with the citation split over two chunks.
    server.reply_with("", chunks=["Not on wifi [", "3]. Portal [1], app [2]."])
    chunks: list[str] = []
    outcome = answer_question(
        question,
        (),
        answerer=answerer,
        knowledge=knowledge,
        verified=[],
        prompt=load_prompt(),
        on_chunk=chunks.append,
    )
    assert "".join(chunks) == outcome.text == "Not on wifi [1]. Portal [2], app [2]."
    assert [s.path for s in outcome.sources] == ["wifi.md", "vpn.md"]
    assert outcome.confidence_line == "Grounded in 2 sources"
