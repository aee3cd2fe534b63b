"""The knowledge check: the folder exists and holds documents the bot can ground answers in."""

from __future__ import annotations

from pathlib import Path

from bot.answering.documents import FORMATS, knowledge_files
from bot.answering.knowledge import BrokenFile, load_folder
from bot.doctor.report import Check, fail, ok, warn

NAME = "knowledge"
SHOWN = 10
"""Skipped files named in the warning; the running bot's log names every one."""
PAGES = f"the pages employees ask about (policies, how-tos, FAQs) as {FORMATS}"


def check_knowledge(folder: Path | None, problem: str | None = None) -> list[Check]:
    """How many documents and passages the folder gives; no folder or no pages is a FAIL."""
    if problem is not None:
        fix = f"Create the folder with {PAGES}, or point LASTMILE_KNOWLEDGE_DIR at it."
        return [fail(NAME, problem, fix)]
    if folder is None:
        detail = "LASTMILE_KNOWLEDGE_DIR is not set, so answers have no pages to stand on"
        return [fail(NAME, detail, f"Set LASTMILE_KNOWLEDGE_DIR to a folder of {PAGES}.")]
    if not folder.is_dir():
        return [fail(NAME, f"{folder} is not a folder", f"Create it with {PAGES}.")]
    files = knowledge_files(folder)
    if not files:
        detail = f"{folder} holds no {FORMATS} documents (sub-folders included)"
        return [fail(NAME, detail, f"Put {PAGES} in {folder}.")]
    loaded = load_folder(folder)
    skipped = _skipped(loaded.broken)
    if not loaded.knowledge.passages:
        detail = f"none of the {len(files)} file(s) in {folder} gave any text{skipped}"
        return [fail(NAME, detail, f"Save the pages as {FORMATS}, with some text.")]
    count = len(loaded.knowledge.passages)
    checks = [ok(NAME, f"{folder}: {loaded.documents} document(s), {count} passage(s)")]
    if loaded.broken:
        detail = f"{len(loaded.broken)} file(s) skipped{skipped}"
        fix = "Save them as UTF-8 text, HTML or a PDF with a text layer; the rest is used."
        checks.append(warn(NAME, detail, fix))
    return checks


def _skipped(broken: tuple[BrokenFile, ...]) -> str:
    if not broken:
        return ""
    shown = "; ".join(f"{b.path}: {b.reason}" for b in broken[:SHOWN])
    more = f"; and {len(broken) - SHOWN} more, each named in the log" if len(broken) > SHOWN else ""
    return f" ({shown}{more})"
