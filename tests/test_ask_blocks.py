"""The answer message's pieces: section splitting, the sources line, titles and question text."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.answering import AnswerOutcome, Source
from handlers.ask.events import question_text
from handlers.ask.message import (
    MAX_SECTIONS,
    SECTION_CHARS,
    SHORTENED_NOTE,
    answer_sections,
    block_dicts,
    footer_blocks,
    source_link,
    split_text,
)
from handlers.ask.thread_status import thread_title


def section_texts(text: str) -> list[str]:
    """The mrkdwn text of each section built for `text` (validated by slack_sdk)."""
    return [block["text"]["text"] for block in block_dicts(answer_sections(text))]  # type: ignore[index]


def test_long_answer_is_split_at_line_breaks_within_section_limit() -> None:
    lines = [f"line {n} " + "word " * 40 for n in range(100)]
    texts = section_texts("\n".join(lines))
    assert len(texts) > 1 and all(len(t) <= SECTION_CHARS for t in texts)
    assert texts[1].startswith("line ")  # cut at a line break, not mid-line
    assert "".join(texts).count("line ") == 100


def test_huge_answer_is_shortened_with_a_note() -> None:
    texts = section_texts("word " * 50_000)
    assert len(texts) == MAX_SECTIONS and texts[-1].endswith(SHORTENED_NOTE)
    assert all(len(t) <= SECTION_CHARS for t in texts)


def test_split_never_cuts_an_escape_sequence() -> None:
    pieces = split_text("&amp;" * 1_000, 3_001)
    assert all(p.count("&") == p.count("&amp;") for p in pieces)


def test_hostile_answer_text_is_escaped_in_sections() -> None:
    [text] = section_texts("<!channel> see <https://evil.example|docs>")
    assert text == "&lt;!channel&gt; see &lt;https://evil.example|docs&gt;"


def test_source_links_only_plain_http_urls_and_escapes_titles() -> None:
    assert source_link(Source("VPN", "vpn.md", "https://wiki/vpn")) == "<https://wiki/vpn|VPN>"
    assert source_link(Source("<!here>", "x.md", "javascript:alert(1)")) == "&lt;!here&gt;"
    assert source_link(Source("A", "a.md", "https://x|<!channel>")) == "A"


def test_footer_has_sources_confidence_and_controls_but_no_controls_on_failure() -> None:
    good = AnswerOutcome("ok", "offline", "m", "p@1", [Source("VPN", "vpn.md")], 0.8, "Grounded")
    types = [b["type"] for b in block_dicts(footer_blocks(7, good))]
    assert types == ["context", "context_actions", "actions"]
    failed = AnswerOutcome("sorry", "anthropic", "m", "p@1", confidence_line="No answer", error="x")
    assert [b["type"] for b in block_dicts(footer_blocks(8, failed))] == ["context"]


def test_footer_numbers_sources_like_the_citations_in_the_answer() -> None:
    sources = [Source("Expenses", "e.md", "https://wiki/e"), Source("Travel", "t.md")]
    outcome = AnswerOutcome("Taxis [1]; trains [2].", "offline", "m", "p@1", sources, 0.8, "ok")
    meta = footer_blocks(9, outcome)[0]
    assert isinstance(meta, ContextBlock) and isinstance(meta.elements[0], MarkdownTextObject)
    assert meta.elements[0].text == "Sources: [1] <https://wiki/e|Expenses>, [2] Travel"


def test_question_text_drops_leading_mentions_and_the_bot() -> None:
    assert question_text("<@UBOT> <@U222> how?", "UBOT") == "how?"
    assert question_text("hey <@UBOT>, how?", "UBOT") == "hey , how?"


def test_thread_title_is_short_and_cannot_ping() -> None:
    title = thread_title("<!channel> " + "why " * 40)
    assert "<" not in title and len(title) <= 60
