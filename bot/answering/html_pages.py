"""HTML knowledge (`*.html`, `*.htm`), read with Beautiful Soup.

Headings (h1-h6) delimit sections as in Markdown; scripts, styles, navigation and footers are
dropped. Metadata: `<title>` (else the first h1), `<link rel="canonical">` or
`<meta name="url">`, `<meta name="updated">` (or `last-modified`, `article:modified_time`) and
`<meta name="owner">`. Any encoding the page declares is honoured.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from bot.answering.markdown import DocumentInfo, markdown_passages, relative, title_from_name
from bot.answering.types import Passage

DROPPED = ("script", "style", "noscript", "template", "nav", "footer", "svg", "form", "iframe")
BLOCKS = (
    "p", "div", "section", "article", "main", "aside", "blockquote", "pre", "table", "tr",
    "ul", "ol", "dl", "dt", "dd", "figcaption", "address", "header", "br", "hr",
)  # fmt: skip
_HEADING = re.compile(r"^h[1-6]$")
UPDATED_NAMES = ("updated", "last-modified", "article:modified_time", "dc.modified")


def read_html_passages(path: Path, root: Path) -> list[Passage]:
    """All passages of one HTML page; ValueError when it is not an HTML page at all."""
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        raise ValueError("a binary file, not an HTML page")
    soup = BeautifulSoup(data, "html.parser")
    info = page_info(soup)
    body = soup.body or soup
    for tag in body.find_all(DROPPED):
        tag.decompose()
    return markdown_passages(_as_markdown(body), info, relative(path, root), title_from_name(path))


def page_info(soup: BeautifulSoup) -> DocumentInfo:
    """The page's title and its url, updated and owner metadata, where it says them."""
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    canonical = soup.find("link", rel="canonical")
    url = _attr(canonical, "href") if isinstance(canonical, Tag) else None
    return DocumentInfo(
        title=title or None,
        url=url or _meta(soup, ("url",)),
        updated=_meta(soup, UPDATED_NAMES),
        owner=_meta(soup, ("owner",)),
    )


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str | None:
    for tag in soup.find_all("meta"):
        name = (_attr(tag, "name") or _attr(tag, "property") or "").lower()
        if name in names and (content := _attr(tag, "content")):
            return content
    return None


def _attr(tag: object, name: str) -> str | None:
    if not isinstance(tag, Tag):
        return None
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _as_markdown(body: Tag | BeautifulSoup) -> str:
    """The page's text with headings as `#` lines and every block its own paragraph."""
    for heading in body.find_all(_HEADING):
        level = int(heading.name[1])
        heading.replace_with(f"\n\n{'#' * level} {heading.get_text(' ', strip=True)}\n\n")
    for item in body.find_all("li"):
        item.insert_before("\n\n- ")
    for cell in body.find_all(("td", "th")):
        cell.insert_after(" | ")
    for block in body.find_all(BLOCKS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    paragraphs = re.split(r"\n\s*\n", body.get_text())
    return "\n\n".join(_one_line(p) for p in paragraphs if p.strip())


def _one_line(paragraph: str) -> str:
    # Source line breaks inside a paragraph are layout, not meaning; a `#` line stays a heading.
    return " ".join(paragraph.split())
