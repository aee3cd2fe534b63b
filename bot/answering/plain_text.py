"""Plain-text knowledge (`*.txt`): optional front matter, then paragraphs.

A first line standing alone (short, a blank line after it, no sentence end) is the title, as in
most exported notes; else the file name is.
"""

from __future__ import annotations

from pathlib import Path

from bot.answering.markdown import (
    DocumentInfo,
    chunks,
    decode_text,
    front_matter,
    relative,
    title_from_name,
)
from bot.answering.types import Passage

MAX_TITLE_CHARS = 80


def read_text_passages(path: Path, root: Path) -> list[Passage]:
    """All passages of one text file; ValueError when it is not UTF-8 text."""
    info, body = front_matter(decode_text(path.read_bytes(), "plain"))
    title, body = _title_line(body.strip())
    info = info.filled_from(DocumentInfo(title=title or title_from_name(path)))
    return [
        Passage(
            title=info.title or "",
            path=relative(path, root),
            heading="",
            text=chunk,
            url=info.url,
            updated=info.updated,
            owner=info.owner,
        )  # fmt: skip
        for chunk in chunks(body)
    ]


def _title_line(body: str) -> tuple[str | None, str]:
    first, blank, rest = body.partition("\n\n")
    line = first.strip()
    if blank and "\n" not in line and len(line) <= MAX_TITLE_CHARS and line[-1:] not in ".!?:":
        return line, rest
    return None, body
