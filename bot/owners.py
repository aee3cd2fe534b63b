"""Owners: who gets which failures. Read from a TOML file, synced to the Owner table, and routed.

Routing sends each failure to exactly one owner: the first owner (in file order) whose
`channels` holds the question's channel, else the first whose `topics` match words of the
question (rapidfuzz, so "payroll" matches "Payroll?" and "vacations"), else the default owner.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz

from storage.models import Owner

TOPIC_MATCH_SCORE = 85.0
"""rapidfuzz ratio of a topic word against a question word: "vacation"/"vacations" scores 94,
"payroll"/"pay" 60 and "vacation"/"location" 75, so plurals and typos match, other words don't."""
_SLACK_ID = re.compile(r"^[UWCGD][A-Z0-9]{2,}$")


class OwnersFileError(ValueError):
    """The owners file is unusable; the message names the file, the owner and what to fix."""


@dataclass(frozen=True)
class OwnerSpec:
    """One `[[owner]]` entry as written in the file."""

    name: str
    slack_id: str
    channels: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    is_default: bool = False


class OwnerStore(Protocol):
    """What syncing and routing need from the Store."""

    def list_owners(self) -> list[Owner]: ...

    def upsert_owner(self, spec: OwnerSpec) -> Owner: ...


def is_slack_id(value: str) -> bool:
    """A user (U/W) or conversation (C/G/D) id as Slack writes them."""
    return bool(_SLACK_ID.match(value))


def load_owners_file(path: Path) -> list[OwnerSpec]:
    """Read and validate an owners file; OwnersFileError names the problem and where it is."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OwnersFileError(f"{path}: not valid TOML: {error}") from error
    except OSError as error:
        raise OwnersFileError(f"{path}: cannot read: {error.strerror}") from error
    entries = data.get("owner")
    if not isinstance(entries, list) or not entries:
        raise OwnersFileError(f"{path}: no [[owner]] entries found")
    lines = _owner_lines(text)
    specs = [
        _spec(f"{path}:{lines[i] if i < len(lines) else '?'}", i + 1, entry)
        for i, entry in enumerate(entries)
    ]
    _check_unique(path, specs)
    return specs


def _owner_lines(text: str) -> list[int]:
    """The line number of each `[[owner]]` header, so errors point into the file."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[owner]]"]


def _spec(path: str, index: int, entry: Any) -> OwnerSpec:
    where = f"{path}: owner #{index}"
    if not isinstance(entry, dict):
        raise OwnersFileError(f"{where}: expected a table of keys")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise OwnersFileError(f'{where}: missing name (add name = "...")')
    where = f"{path}: owner #{index} {name!r}"
    slack = entry.get("slack")
    if not isinstance(slack, str) or not is_slack_id(slack.strip()):
        raise OwnersFileError(f'{where}: missing or invalid slack id (e.g. slack = "U0123ABC")')
    default = entry.get("default", False)
    if not isinstance(default, bool):
        raise OwnersFileError(f"{where}: default must be true or false")
    return OwnerSpec(
        name=name.strip(),
        slack_id=slack.strip(),
        channels=_strings(where, entry, "channels"),
        topics=_strings(where, entry, "topics"),
        members=_strings(where, entry, "members"),
        is_default=default,
    )


def _strings(where: str, entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise OwnersFileError(f'{where}: {key} must be a list of strings, e.g. {key} = ["a"]')
    return tuple(item.strip() for item in value if item.strip())


def _check_unique(path: Path, specs: Sequence[OwnerSpec]) -> None:
    defaults = [spec.name for spec in specs if spec.is_default]
    if len(defaults) > 1:
        raise OwnersFileError(f"{path}: more than one default owner: {', '.join(defaults)}")
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise OwnersFileError(f"{path}: owner {spec.name!r} is listed twice")
        seen.add(spec.name)


def sync_owners(store: OwnerStore, specs: Sequence[OwnerSpec]) -> list[Owner]:
    """Upsert every owner of the file by name (owners added by /lastmile owners are kept)."""
    return [store.upsert_owner(spec) for spec in specs]


def sync_owners_file(store: OwnerStore, path: Path | None) -> list[Owner]:
    """Load LASTMILE_OWNERS_FILE (if set) into the Owner table; OwnersFileError if it is bad."""
    return sync_owners(store, load_owners_file(path)) if path is not None else []


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def topic_matches(topic: str, question: str) -> bool:
    """True when every word of `topic` is close to some word of the question."""
    words = _words(question)
    wanted = _words(topic)
    return bool(wanted) and all(
        any(fuzz.ratio(part, word) >= TOPIC_MATCH_SCORE for word in words) for part in wanted
    )


def choose_owner(owners: Sequence[Owner], channel_id: str, question: str) -> Owner | None:
    """The one owner of a failure: channel match, then topic match, then the default."""
    for owner in owners:
        if channel_id and channel_id in owner.channels:
            return owner
    for owner in owners:
        if any(topic_matches(topic, question) for topic in owner.topics):
            return owner
    return next((owner for owner in owners if owner.is_default), None)


class OwnerRouter:
    """`choose_owner` over a fixed list of owners, computed once per distinct (channel, text)."""

    def __init__(self, owners: Sequence[Owner]) -> None:
        self.owners = owners
        self._cache: dict[tuple[str, str], int | None] = {}

    def owner_id(self, channel_id: str, question: str) -> int | None:
        """The id of the one owner of this question, or None when nobody owns it."""
        key = (channel_id, question)
        if key not in self._cache:
            owner = choose_owner(self.owners, channel_id, question)
            self._cache[key] = owner.id if owner is not None else None
        return self._cache[key]


def route_owner(store: OwnerStore, channel_id: str, question_text: str) -> Owner | None:
    """Route one question (by its channel and text) to its owner, or None if nobody owns it."""
    return choose_owner(store.list_owners(), channel_id, question_text)


def can_act(owner: Owner, user_id: str, admins: Sequence[str]) -> bool:
    """Only the owner (its Slack user), its members and admins may act on its digest."""
    return user_id == owner.slack_id or user_id in owner.members or user_id in admins
