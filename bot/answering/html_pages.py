"""HTML knowledge (`*.html`, `*.htm`), read with Beautiful Soup.

Only the page's main content is read: `<main>` (or `role="main"`, else `<article>`, else the
body), without scripts, styles, navigation, headers, footers, sidebars, breadcrumbs and cookie
banners (by tag, ARIA role or class). Headings (h1-h6) delimit sections; text is never read as
Markdown (a shell comment `# install` in a `<pre>` stays text). Metadata: the title from
`og:title`, else the first h1, else `<title>`; `<link rel="canonical">` or `<meta name="url">`;
`<meta name="updated">` (or `last-modified`, `article:modified_time`, `dc.modified`) and
`<meta name="owner">`. Any encoding the page declares is honoured.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from bot.answering.markdown import DocumentInfo, markdown_passages, relative, title_from_name
from bot.answering.types import Passage

DROPPED = (
    "script", "style", "noscript", "template", "nav", "footer", "header", "aside", "svg",
    "form", "iframe", "button", "dialog",
)  # fmt: skip
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                          "dialog", "alert"})  # fmt: skip
_CHROME_CLASS = re.compile(
    r"(^|[-_ ])(nav|navbar|navigation|menu|breadcrumbs?|cookies?|consent|banner|footer|header|"
    r"sidebar|skip-link|toc)([-_ ]|$)",
    re.IGNORECASE,
)
BLOCKS = (
    "p", "div", "section", "article", "main", "blockquote", "pre", "table", "tr",
    "ul", "ol", "dl", "dt", "dd", "figcaption", "address", "br", "hr",
)  # fmt: skip
HEADING_MARK = "\x00heading:"
"""Marks a heading line while the page is flattened (no text can contain it)."""
_HEADING = re.compile(r"^h[1-6]$")
UPDATED_NAMES = ("updated", "last-modified", "article:modified_time", "dc.modified")


def read_html_passages(path: Path, root: Path) -> list[Passage]:
    """All passages of one HTML page; ValueError when it is not an HTML page at all."""
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        raise ValueError("a binary file, not an HTML page")
    soup = BeautifulSoup(data, "html.parser")
    info = page_info(soup)
    body = _main_content(soup)
    for tag in body.find_all(DROPPED):
        tag.decompose()
    for tag in body.find_all(_is_chrome):
        if not tag.decomposed:
            tag.decompose()
    return markdown_passages(_as_markdown(body), info, relative(path, root), title_from_name(path))


def _main_content(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    for found in (soup.find("main"), soup.find(True, role="main"), soup.find("article")):
        if isinstance(found, Tag):
            return found
    return soup.body or soup


def _is_chrome(tag: Tag) -> bool:
    """Navigation, banners, breadcrumbs, cookie notices... by ARIA role, id or class."""
    if (_attr(tag, "role") or "").lower() in CHROME_ROLES or tag.get("aria-hidden") == "true":
        return True
    names = f"{_attr(tag, 'class') or ''} {_attr(tag, 'id') or ''}"
    return bool(names.strip()) and _CHROME_CLASS.search(names) is not None


def page_info(soup: BeautifulSoup) -> DocumentInfo:
    """The page's title and its url, updated and owner metadata, where it says them."""
    h1 = soup.find("h1")
    title = (
        _meta(soup, ("og:title",))
        or (h1.get_text(" ", strip=True) if isinstance(h1, Tag) else None)
        or (soup.title.get_text(" ", strip=True) if soup.title else None)
    )
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
        heading.replace_with(f"\n\n{HEADING_MARK}{level}:{heading.get_text(' ', strip=True)}\n\n")
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
    """One paragraph on one line (source line breaks are layout); a marked heading becomes a
    Markdown heading, and text that would read as Markdown syntax is kept as text."""
    text = " ".join(paragraph.split())
    if text.startswith(HEADING_MARK):
        level, _, heading = text[len(HEADING_MARK) :].partition(":")
        return f"{'#' * int(level)} {heading}"
    if text.startswith(("#", "```", "~~~")):
        return " " + text  # never a heading or a fence: a leading space keeps it text
    return text
