"""Which files are knowledge, and the reader for each format.

Markdown (`.md`, `.markdown`), plain text (`.txt`), HTML (`.html`, `.htm`) and PDF (`.pdf`).
A reader raises OSError or ValueError for a file it can't use; the folder loader skips it and
names it (`lastmile doctor`, the log), never stopping.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.answering.html_pages import read_html_passages
from bot.answering.markdown import read_passages
from bot.answering.pdf_pages import read_pdf_passages
from bot.answering.plain_text import read_text_passages
from bot.answering.types import Passage

Reader = Callable[[Path, Path], list[Passage]]
READERS: dict[str, Reader] = {
    ".md": read_passages,
    ".markdown": read_passages,
    ".txt": read_text_passages,
    ".html": read_html_passages,
    ".htm": read_html_passages,
    ".pdf": read_pdf_passages,
}
FORMATS = "Markdown (.md), plain text (.txt), HTML (.html) or PDF (.pdf)"


def knowledge_files(folder: Path) -> list[Path]:
    """Every knowledge file under `folder`, recursively, in a stable order; hidden ones skipped.

    Hidden folders hold copies, not pages: a Kubernetes ConfigMap mount keeps each file in a
    dated `..2026_…` folder beside the symlink that names it, and editors and git leave theirs.
    """
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in READERS
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def read_document(path: Path, root: Path) -> list[Passage]:
    """The passages of one knowledge file, by its format."""
    return READERS[path.suffix.lower()](path, root)
