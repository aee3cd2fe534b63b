"""The answer message: escaped text in sections, a sources/confidence line, feedback controls.

Every piece of user, model or knowledge text goes through `bot.mrkdwn.escape`, so an answer or a
question can never ping `<!channel>` or carry a disguised `<url|label>` link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.answering import AnswerOutcome, Source
from bot.mrkdwn import escape, quote, truncate
from bot.vocabulary import AnswerBlock
from handlers.answer_blocks import feedback_blocks

SECTION_CHARS = 3_000
MAX_SECTIONS = 8
"""8 x 3,000 characters is far beyond any answer we ask for, and keeps the message lean."""
TEXT_CHARS = 3_000
SHORTENED_NOTE = "\n\n_(Answer shortened: it was too long for one Slack message.)_"
_SAFE_URL = re.compile(r"^https?://[^\s<>|]+$")


def answer_sections(text: str) -> list[Block]:
    """The escaped answer in sections of at most 3,000 characters, shortened with a note."""
    pieces = split_text(escape(text) or "_(empty answer)_", SECTION_CHARS)
    if len(pieces) > MAX_SECTIONS:
        pieces = pieces[:MAX_SECTIONS]
        pieces[-1] = truncate(pieces[-1], SECTION_CHARS - len(SHORTENED_NOTE)) + SHORTENED_NOTE
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in pieces]


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a line break (else a space) when possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2 or text[cut - 1 : cut] == "&":
            cut = _safe_cut(text, limit)
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces


def _safe_cut(text: str, limit: int) -> int:
    # Never split an escape like `&amp;` in two: back up to before its `&`.
    amp = text.rfind("&", max(0, limit - 5), limit)
    return amp if amp > 0 and ";" not in text[amp:limit] else limit


def source_link(source: Source) -> str:
    """A source's title, linked when its url is a plain http(s) address."""
    title = escape(source.label)
    if source.url and _SAFE_URL.match(source.url):
        return f"<{source.url}|{title}>"
    return title


def footer_blocks(
    answer_id: int,
    outcome: AnswerOutcome,
    *,
    feedback: bool = True,
    owner_people: Sequence[str] = (),
) -> list[Block]:
    """Sources and confidence line, then the feedback controls (none for a failed answer, nor
    in a channel whose workspace rules turn them off), with the owner-only hide icon."""
    lines = []
    if outcome.sources:
        # Numbered like the answer's citations: [n] in the text is the n-th source here.
        listed = (f"[{n}] {source_link(s)}" for n, s in enumerate(outcome.sources, start=1))
        lines.append("Sources: " + ", ".join(listed))
    if outcome.confidence_line:
        lines.append(escape(outcome.confidence_line))
    blocks: list[Block] = []
    if lines:
        elements = [MarkdownTextObject(text=truncate(line, TEXT_CHARS)) for line in lines]
        blocks.append(ContextBlock(block_id=AnswerBlock.META.of(answer_id), elements=elements))
    if outcome.error is None and feedback:
        blocks.extend(feedback_blocks(answer_id, owner_people))
    return blocks


def final_blocks(
    answer_id: int,
    outcome: AnswerOutcome,
    *,
    feedback: bool = True,
    owner_people: Sequence[str] = (),
) -> list[Block]:
    """The whole answer message for the post-and-update path."""
    footer = footer_blocks(answer_id, outcome, feedback=feedback, owner_people=owner_people)
    return answer_sections(outcome.text) + footer


def notification_text(text: str) -> str:
    """The message's plain `text` (notifications, screen readers), escaped and short."""
    return truncate(escape(text), TEXT_CHARS) or "…"


def question_quote(user_id: str, question: str) -> str:
    """The visible message a `/ask` answer is threaded under."""
    return f"<@{user_id}> asked:\n{quote(question, limit=2_500)}"


def block_dicts(blocks: Sequence[Block]) -> list[dict[str, object]]:
    """Blocks as dicts, validated by slack_sdk (raises on a Block Kit limit)."""
    return [block.to_dict() for block in blocks]
