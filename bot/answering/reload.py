"""Knowledge reload without a restart: notice added, changed and removed files, swap the index.

The watcher compares each file's modification time and size with what it saw last; only when
something differs does it read the folder again and swap `runtime.knowledge` in one assignment,
so a question being answered keeps the index it started with. A file that can't be read is
skipped and named in the log; the rest still load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.documents import knowledge_files
from bot.answering.knowledge import KnowledgeLoad, load_folder

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
Fingerprint = dict[str, tuple[int, int]]


def fingerprint(folder: Path) -> Fingerprint:
    """Each knowledge file's (mtime in ns, size), keyed by its path relative to `folder`."""
    if not folder.is_dir():
        return {}
    found: Fingerprint = {}
    for path in knowledge_files(folder):
        try:
            stat = path.stat()
        except OSError:  # removed between the listing and the stat: seen at the next look
            continue
        found[path.relative_to(folder).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass(frozen=True)
class KnowledgeChange:
    """What differs between two looks at the folder."""

    added: int
    changed: int
    removed: int

    @staticmethod
    def between(before: Fingerprint, after: Fingerprint) -> KnowledgeChange:
        """Count files added, changed and removed."""
        return KnowledgeChange(
            added=len(after.keys() - before.keys()),
            changed=sum(1 for path in after.keys() & before.keys() if after[path] != before[path]),
            removed=len(before.keys() - after.keys()),
        )


def log_load(load: KnowledgeLoad, folder: Path, change: KnowledgeChange | None = None) -> None:
    """One line with the counts (never any text), and one warning per skipped file."""
    changes = "" if change is None else (
        f" ({change.added} added, {change.changed} changed, {change.removed} removed)"
    )  # fmt: skip
    verb = "loaded" if change is None else "reloaded"
    log.info(
        "knowledge %s from %s: %d document(s), %d passage(s)%s",
        verb, folder, load.documents, len(load.knowledge.passages), changes,
    )  # fmt: skip
    for broken in load.broken:
        log.warning("knowledge file %s skipped: %s", broken.path, broken.reason)


class KnowledgeWatcher:
    """Reloads `runtime.knowledge` when the files under `folder` change."""

    name = "knowledge watcher"

    def __init__(self, runtime: Runtime, folder: Path) -> None:
        self.runtime = runtime
        self.folder = folder
        self.seen = fingerprint(folder)
        self.reloads = 0

    def tick(self) -> None:
        """Look once; reload when anything was added, changed or removed."""
        now = fingerprint(self.folder)
        if now == self.seen:
            return
        change = KnowledgeChange.between(self.seen, now)
        load = load_folder(self.folder, self.runtime.parsed_files)
        self.runtime.knowledge = load.knowledge
        self.seen = now
        self.reloads += 1
        log_load(load, self.folder, change)
