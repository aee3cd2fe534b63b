"""Knowledge documents in every format lastmile reads, written as real files.

A document is a title, optional metadata (url, updated, owner) and sections (a heading and its
paragraphs). The same document can be written as Markdown, plain text, HTML or a real PDF
(fpdf2 draws it, one section per page; pypdf adds the custom metadata entries).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfWriter

FORMATS = ("md", "txt", "html", "pdf")


@dataclass(frozen=True)
class Document:
    """A knowledge page to write: sections are (heading, paragraphs)."""

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    meta: dict[str, str] = field(default_factory=dict)


def write_document(path: Path, doc: Document) -> Path:
    """`doc` written at `path` in the format its suffix names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lstrip(".")
    if suffix == "pdf":
        path.write_bytes(pdf_bytes(doc))
    elif suffix == "html":
        path.write_text(html_text(doc), encoding="utf-8")
    elif suffix == "txt":
        path.write_text(text_text(doc), encoding="utf-8")
    else:
        path.write_text(markdown_text(doc), encoding="utf-8")
    return path


def _front_matter(doc: Document) -> str:
    if not doc.meta:
        return ""
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in doc.meta.items()) + "---\n"


def markdown_text(doc: Document) -> str:
    """Front matter, an H1, an H2 per section."""
    parts = [f"# {doc.title}"]
    for heading, paragraphs in doc.sections:
        parts += [f"## {heading}", *paragraphs]
    return _front_matter(doc) + "\n\n".join(parts) + "\n"


def text_text(doc: Document) -> str:
    """Front matter, the title on its own line, then each section's heading line and text."""
    parts = [doc.title]
    for heading, paragraphs in doc.sections:
        parts += [heading, *paragraphs]
    return _front_matter(doc) + "\n\n".join(parts) + "\n"


def html_text(doc: Document) -> str:
    """A page as a CMS exports it: <title>, <meta>, canonical link, navigation and a footer."""
    esc = html.escape
    head = [f"<title>{esc(doc.title)}</title>", '<meta charset="utf-8">']
    for key, value in doc.meta.items():
        if key == "url":
            head.append(f'<link rel="canonical" href="{esc(value)}">')
        else:
            head.append(f'<meta name="{esc(key)}" content="{esc(value)}">')
    head.append("<script>window.analytics = 'tracking code, not knowledge';</script>")
    body = ['<nav><a href="/">Home</a> | <a href="/search">Search the intranet</a></nav>']
    body.append(f"<main><h1>{esc(doc.title)}</h1>")
    for heading, paragraphs in doc.sections:
        body.append(f"<h2>{esc(heading)}</h2>")
        body += [f"<p>{esc(p)}</p>" for p in paragraphs]
    body.append("</main><footer>Intranet footer, all rights reserved</footer>")
    return f"<!doctype html><html><head>{''.join(head)}</head><body>{''.join(body)}</body></html>"


def pdf_bytes(doc: Document) -> bytes:
    """A real PDF: the title in its information, each section on its own page."""
    pdf = FPDF()
    pdf.set_title(doc.title)
    pdf.set_font("Helvetica", size=11)
    for heading, paragraphs in doc.sections:
        pdf.add_page()
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    if not doc.meta:
        return data
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.add_metadata({PDF_KEYS.get(k, f"/{k}"): v for k, v in doc.meta.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_KEYS = {"url": "/URL", "updated": "/Updated", "owner": "/Owner", "title": "/Title"}
