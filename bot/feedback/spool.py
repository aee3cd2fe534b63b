"""The feedback spool: writes the database could not take, kept on disk until it is back.

One JSON file per write, named `<seq>-<id>.json` (sequence first, so a directory listing is
the replay order). Each file is written under a temporary name, fsynced, renamed into place
and the directory fsynced, so once `add` returns the write survives `kill -9` and a power cut.
A file that cannot be read or applied is renamed `*.json.failed` and left for a person to look
at (docs/feedback.md); it never blocks the writes behind it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.feedback.writes import FeedbackWrite

log = logging.getLogger(__name__)
FORMAT = 1
SUFFIX = ".json"
TEMP_PREFIX = ".tmp-"
FAILED_SUFFIX = ".failed"
DEFAULT_DIR_NAME = ".lastmile-spool"
STALE_TEMP_S = 60.0
"""A temporary file older than this was left by a write that crashed before its rename."""


@dataclass(frozen=True)
class SpooledWrite:
    """One write kept on disk: its place in the replay order and its file."""

    seq: int
    id: str
    path: Path
    write: FeedbackWrite


def default_spool_dir(database_url: str | URL, cwd: Path | None = None) -> Path:
    """Beside a SQLite file (`lastmile.db-spool`), else `.lastmile-spool` in the working dir."""
    url = make_url(database_url) if isinstance(database_url, str) else database_url
    base = cwd or Path.cwd()
    name = url.database or ""
    if url.get_backend_name() == "sqlite" and name and name != ":memory:":
        path = Path(name).expanduser()
        path = path if path.is_absolute() else base / path
        return path.parent / f"{path.name}-spool"
    return base / DEFAULT_DIR_NAME


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """The spool directory and, in memory, its writes in replay order (the files are the truth)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._entries: list[SpooledWrite] = self._load()
        self._next = max((entry.seq for entry in self._entries), default=0) + 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def holds_for(self, write: FeedbackWrite) -> bool:
        """True while a write by the same person on the same message waits here."""
        key = (write.channel_id, write.message_ts, write.user_id)
        with self._lock:
            return any(
                (e.write.channel_id, e.write.message_ts, e.write.user_id) == key
                for e in self._entries
            )

    def head(self) -> SpooledWrite | None:
        """The oldest write still waiting, or None."""
        with self._lock:
            return self._entries[0] if self._entries else None

    def add(self, write: FeedbackWrite) -> SpooledWrite:
        """Keep `write` durably; raises OSError when the disk refuses."""
        with self._lock:
            entry = SpooledWrite(self._next, uuid.uuid4().hex, Path(), write)
            self._next += 1
            path = self.directory / f"{entry.seq:012d}-{entry.id}{SUFFIX}"
            self._write_durably(path, self._document(entry))
            entry = SpooledWrite(entry.seq, entry.id, path, write)
            self._entries.append(entry)
            return entry

    def remove(self, entry: SpooledWrite) -> None:
        """Forget a write that the database now holds."""
        with self._lock:
            self._entries = [e for e in self._entries if e.id != entry.id]
            entry.path.unlink(missing_ok=True)
            _fsync_dir(self.directory)

    def quarantine(self, entry: SpooledWrite, why: str) -> Path:
        """Set a write aside as `*.json.failed` (it could not be applied) and go on."""
        target = entry.path.with_name(entry.path.name + FAILED_SUFFIX)
        with self._lock:
            self._entries = [e for e in self._entries if e.id != entry.id]
            if entry.path.exists():
                entry.path.rename(target)
                _fsync_dir(self.directory)
        log.error("spooled feedback %s set aside as %s: %s", entry.path.name, target.name, why)
        return target

    def _document(self, entry: SpooledWrite) -> bytes:
        body = {
            "format": FORMAT,
            "id": entry.id,
            "seq": entry.seq,
            "spooled_at": datetime.now(UTC).isoformat(),
            "pid": os.getpid(),
            "write": asdict(entry.write),
        }
        return json.dumps(body, sort_keys=True).encode()

    def _write_durably(self, path: Path, data: bytes) -> None:
        if not self.directory.is_dir():
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            _fsync_dir(self.directory.parent)
        temp = path.with_name(TEMP_PREFIX + path.name)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        _fsync_dir(self.directory)

    def _load(self) -> list[SpooledWrite]:
        if not self.directory.is_dir():
            return []
        self._clean_temporaries()
        entries = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            if path.name.startswith(TEMP_PREFIX):
                continue  # another process is writing it right now (replicas may share a dir)
            entry = _read(path)
            if entry is None:
                path.rename(path.with_name(path.name + FAILED_SUFFIX))
                log.error("unreadable spooled feedback set aside: %s", path)
                continue
            entries.append(entry)
        return sorted(entries, key=lambda e: (e.seq, e.id))

    def _clean_temporaries(self) -> None:
        """A temporary file was never renamed: its click was never acknowledged, so drop it."""
        for temp in self.directory.glob(f"{TEMP_PREFIX}*"):
            if time.time() - temp.stat().st_mtime > STALE_TEMP_S:
                temp.unlink(missing_ok=True)


def _read(path: Path) -> SpooledWrite | None:
    try:
        body = json.loads(path.read_bytes())
        write = FeedbackWrite(**body["write"])
        return SpooledWrite(int(body["seq"]), str(body["id"]), path, write)
    except (OSError, ValueError, KeyError, TypeError):
        return None
