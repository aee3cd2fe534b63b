"""PDF knowledge (`*.pdf`), read with pypdf: passages per page, the page kept as an anchor.

Each passage knows its page (cited as "Title, p. 4"); with a `url` the link is `url#page=4`,
the fragment PDF viewers open at. Metadata from the document information: `/Title`, and the
custom entries `/URL`, `/Updated` and `/Owner`. An encrypted PDF, a damaged one, or one with no
text layer (a scan) is reported and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pypdf import PdfReader

from bot.answering.markdown import DocumentInfo, pack, relative, title_from_name
from bot.answering.types import Passage


def read_pdf_passages(path: Path, root: Path) -> list[Passage]:
    """All passages of one PDF; ValueError when it can't be read or holds no text."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("an encrypted PDF (save it without a password)")
        info = pdf_info(reader)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (ValueError, OSError):
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files; never fatal
        raise ValueError(f"not a readable PDF ({type(error).__name__}: {error})") from None
    if not any(text.strip() for text in pages):
        raise ValueError("a PDF with no text layer (a scan?): nothing to search")
    info = info.filled_from(DocumentInfo(title=title_from_name(path)))
    rel = relative(path, root)
    passages = []
    for number, text in enumerate(pages, start=1):
        url = f"{info.url}#page={number}" if info.url else None
        for chunk in pack(text.splitlines(), "\n"):
            passages.append(
                Passage(
                    title=info.title or "",
                    path=rel,
                    heading="",
                    text=chunk,
                    url=url,
                    updated=info.updated,
                    owner=info.owner,
                    page=number,
                )  # fmt: skip
            )
    return passages


def pdf_info(reader: PdfReader) -> DocumentInfo:
    """Title and the custom url, updated and owner entries of the document information."""
    meta: Mapping[str, object] = reader.metadata or {}

    def entry(*keys: str) -> str | None:
        for key in keys:
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    return DocumentInfo(
        title=entry("/Title"),
        url=entry("/URL", "/Url", "/url"),
        updated=_pdf_date(entry("/Updated", "/updated")),
        owner=entry("/Owner", "/owner"),
    )


def _pdf_date(value: str | None) -> str | None:
    """`2026-03-01` as written, or a PDF date (`D:20260301...`) as `2026-03-01`."""
    if value is None:
        return None
    match = re.fullmatch(r"D:(\d{4})(\d{2})(\d{2}).*", value)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else value
