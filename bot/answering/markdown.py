"""Split Markdown knowledge files into passages: one per section, long sections by paragraph.

The other formats (plain text, HTML, PDF: bot/answering/documents.py) reuse the front matter,
the sectioning and the chunking here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.answering.types import Passage

MAX_PASSAGE_CHARS = 900
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
META_KEYS = ("title", "url", "updated", "owner")


@dataclass(frozen=True)
class DocumentInfo:
    """A document's optional metadata: front matter, HTML <meta> or a PDF's information."""

    title: str | None = None
    url: str | None = None
    updated: str | None = None
    owner: str | None = None

    def filled_from(self, other: DocumentInfo) -> DocumentInfo:
        """These values, each missing one taken from `other`."""
        return replace(self, **{k: getattr(self, k) or getattr(other, k) for k in META_KEYS})


def read_passages(path: Path, root: Path) -> list[Passage]:
    """All passages of one Markdown file; `path` in each passage is relative to `root`.

    Raises OSError when the file can't be read and ValueError when it is not UTF-8 text.
    """
    info, body = front_matter(decode_text(path.read_bytes(), "Markdown"))
    return markdown_passages(body, info, relative(path, root), title_from_name(path))


def decode_text(data: bytes, kind: str) -> str:
    """UTF-8 text (a byte-order mark dropped); ValueError for binary or other encodings."""
    if b"\0" in data:
        raise ValueError(f"a binary file, not {kind} text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (bad byte at offset {error.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line ends


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root`, POSIX style: a passage's path."""
    return path.relative_to(root).as_posix()


def markdown_passages(body: str, info: DocumentInfo, rel: str, fallback: str) -> list[Passage]:
    """Passages of Markdown text: one per section, long sections by paragraph."""
    sections = _sections(body)
    title = info.title or _first_h1(sections) or fallback
    return [
        Passage(
            title=title,
            path=rel,
            heading=heading,
            text=chunk,
            url=info.url,
            updated=info.updated,
            owner=info.owner,
        )  # fmt: skip
        for _, heading, section in sections
        for chunk in chunks(section)
    ]


def front_matter(text: str) -> tuple[DocumentInfo, str]:
    """A leading `---` block of flat `key: value` lines (title, url, updated, owner) and the rest.

    Only those flat lines matter here, so no YAML dependency is needed.
    """
    if not text.startswith("---\n"):
        return DocumentInfo(), text
    end = text.find("\n---", 4)
    if end < 0:
        return DocumentInfo(), text
    meta: dict[str, str] = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in META_KEYS:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    info = DocumentInfo(**{key: value or None for key, value in meta.items()})
    return info, text[end + 4 :].lstrip("-\n")


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


def title_from_name(path: Path) -> str:
    """`vpn-setup.md` -> "Vpn setup": the title of a document that names none."""
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def chunks(section: str) -> list[str]:
    """Paragraphs packed into chunks of at most MAX_PASSAGE_CHARS (a long paragraph stays whole)."""
    return pack(re.split(r"\n\s*\n", section), "\n\n")


def pack(pieces: list[str], joiner: str) -> list[str]:
    """Non-empty pieces joined into chunks of at most MAX_PASSAGE_CHARS (a long one stays whole)."""
    packed: list[str] = []
    current = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if current and len(current) + len(piece) > MAX_PASSAGE_CHARS:
            packed.append(current)
            current = ""
        current = f"{current}{joiner}{piece}" if current else piece
    if current:
        packed.append(current)
    return packed
