"""Split Markdown knowledge files into passages: one per section, long sections by paragraph."""

from __future__ import annotations

import re
from pathlib import Path

from bot.answering.types import Passage

MAX_PASSAGE_CHARS = 900
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def read_passages(path: Path, root: Path) -> list[Passage]:
    """All passages of one file; `path` in each passage is relative to `root`, POSIX style.

    Raises OSError when the file can't be read and ValueError when it is not UTF-8 text.
    """
    data = path.read_bytes()
    if b"\0" in data:
        raise ValueError("a binary file, not Markdown text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (bad byte at offset {error.start})") from None
    meta, body = _front_matter(text)
    sections = _sections(body)
    title = meta.get("title") or _first_h1(sections) or _title_from_name(path)
    rel = path.relative_to(root).as_posix()
    url = meta.get("url") or None
    updated = meta.get("updated") or None
    return [
        Passage(title=title, path=rel, heading=heading, text=chunk, url=url, updated=updated)
        for _, heading, section in sections
        for chunk in _chunks(section)
    ]


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    # Only flat `key: value` lines matter here (title, url, updated); no YAML dependency needed.
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    meta: dict[str, str] = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[end + 4 :].lstrip("-\n")


def _sections(body: str) -> list[tuple[int, str, str]]:
    sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            sections.append((len(match.group(1)), match.group(2), []))
        else:
            sections[-1][2].append(line)
    return [(level, heading, "\n".join(lines).strip()) for level, heading, lines in sections]


def _first_h1(sections: list[tuple[int, str, str]]) -> str:
    return next((heading for level, heading, _ in sections if level == 1), "")


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _chunks(section: str) -> list[str]:
    """Paragraphs packed into chunks of at most MAX_PASSAGE_CHARS (a long paragraph stays whole)."""
    chunks: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", section):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if current and len(current) + len(paragraph) > MAX_PASSAGE_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        chunks.append(current)
    return chunks
