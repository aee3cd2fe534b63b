"""Reading the owners file strictly: each mistake is named with its line, its owner and the fix.

A typo must not pass silently: `chanels = [...]` would route nothing, `#hr-help` is a name
the Web API does not take, and an email cannot receive a DM. tomllib gives no line numbers, so
lines are found by scanning the text for each `[[owner]]` header and the key inside it.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.owners.ids import (
    channel_id_problem,
    destination_problem,
    group_id_problem,
    user_id_problem,
)
from bot.owners.lines import Lines
from bot.owners.spec import OwnerSpec, OwnerStore, sync_owners

if TYPE_CHECKING:  # annotations only: reading owners must not load the ORM
    from storage.models import Owner

KEYS = ("name", "slack", "channels", "topics", "members", "usergroups", "helpers", "default")
_ID_CHECKS: dict[str, Callable[[str], str | None]] = {
    "channels": channel_id_problem,
    "members": user_id_problem,
    "usergroups": group_id_problem,
}


class OwnersFileError(ValueError):
    """The owners file is unusable; each of `problems` names the file, line, owner and fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def load_owners_file(path: Path) -> list[OwnerSpec]:
    """Read and validate an owners file; OwnersFileError lists every problem and where it is."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OwnersFileError([f"{path}: not valid TOML: {error}"]) from error
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise OwnersFileError([f"{path}: cannot read: {reason}"]) from error
    reader = _Reader(path, text)
    specs = reader.read(data)
    if reader.problems:
        raise OwnersFileError(reader.problems)
    return specs


def sync_owners_file(store: OwnerStore, path: Path | None) -> list[Owner]:
    """Load LASTMILE_OWNERS_FILE (if set) into the Owner table; OwnersFileError if it is bad."""
    return sync_owners(store, load_owners_file(path)) if path is not None else []


class _Reader:
    """Collects every problem of the file, each with its place, instead of stopping at one."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = Lines(text)
        self.found: list[tuple[int, str]] = []
        self.labels: list[str] = []

    @property
    def problems(self) -> list[str]:
        """Every problem, in the order of the file's lines."""
        return [text for _, text in sorted(self.found, key=lambda found: found[0])]

    def add(self, line: int | None, message: str, owner: int | None = None) -> None:
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        label = f": {self.labels[owner]}" if owner is not None else ""
        self.found.append((line or _LAST, f"{where}{label}: {message}"))

    def read(self, data: dict[str, Any]) -> list[OwnerSpec]:
        for key in data:
            if key != "owner":
                hint = " (did you mean [[owner]]?)" if _close(key, ("owner",)) else ""
                self.add(self.lines.top_level(key), f"unknown key {key!r}{hint}; " + _TABLES)
        entries = data.get("owner")
        if isinstance(entries, dict):
            message = "write [[owner]] (two brackets) above each owner, not [owner]"
            self.add(self.lines.top_level("owner"), message)
            return []
        if not isinstance(entries, list) or not entries:
            self.add(None, "no [[owner]] entries found; " + _TABLES)
            return []
        specs = [self._entry(index, entry) for index, entry in enumerate(entries)]
        found = {index: spec for index, spec in enumerate(specs) if spec is not None}
        _Across(self, found).check()
        return list(found.values())

    def _entry(self, index: int, entry: Any) -> OwnerSpec | None:
        raw = entry.get("name") if isinstance(entry, dict) else None
        name = raw.strip() if isinstance(raw, str) else ""
        self.labels.append(f"owner #{index + 1} {name!r}" if name else f"owner #{index + 1}")
        before = len(self.found)
        if not isinstance(entry, dict):
            self.add(self.lines.of(index), "expected a table of keys under [[owner]]", index)
            return None
        self._unknown_keys(index, entry)
        if not name:
            self.add(self.lines.of(index, "name"), 'missing name; add name = "..."', index)
        slack = self._slack(index, entry.get("slack"))
        helpers = self._helpers(index, entry.get("helpers"))
        listed = ("channels", "topics", "members", "usergroups")
        lists = {key: self._list(index, entry, key) for key in listed}
        default = entry.get("default", False)
        if not isinstance(default, bool):
            self.add(self.lines.of(index, "default"), "default must be true or false", index)
        if len(self.found) > before or slack is None:
            return None
        return OwnerSpec(
            name=name,
            slack_id=slack,
            channels=lists["channels"],
            topics=lists["topics"],
            members=lists["members"],
            member_groups=lists["usergroups"],
            helpers=helpers,
            is_default=default is True,
        )

    def _unknown_keys(self, index: int, entry: dict[str, Any]) -> None:
        for key in entry:
            if key not in KEYS:
                hint = _close(key, KEYS)
                fix = f"did you mean {hint!r}?" if hint else f"the keys are {', '.join(KEYS)}"
                self.add(self.lines.of(index, key), f"unknown key {key!r}; {fix}", index)

    def _slack(self, index: int, value: Any) -> str | None:
        example = 'slack = "U0123ABC" (a DM) or slack = "C0123ABC" (a channel)'
        if value is None:
            self.add(self.lines.of(index), f"missing slack id; add {example}", index)
            return None
        problem = destination_problem(value.strip()) if isinstance(value, str) else example
        if problem is not None:
            self.add(self.lines.of(index, "slack"), f"invalid slack id: {problem}", index)
            return None
        return str(value).strip()

    def _helpers(self, index: int, value: Any) -> str | None:
        """Who "Get help from a person" asks: a user group (each member by DM), a channel or a
        person; unset, the owner's `slack` destination."""
        if value is None:
            return None
        example = 'helpers = "S0123ABC" (a user group) or "C0123ABC" (a channel)'
        text = value.strip() if isinstance(value, str) else ""
        if text and (group_id_problem(text) is None or destination_problem(text) is None):
            return text
        problem = f"{value!r} is not a user group, channel or user id" if text else "empty"
        self.add(self.lines.of(index, "helpers"), f"invalid helpers: {problem}; {example}", index)
        return None

    def _list(self, index: int, entry: dict[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            message = f'{key} must be a list of strings, e.g. {key} = ["a"]'
            self.add(self.lines.of(index, key), message, index)
            return ()
        items = tuple(item.strip() for item in value if item.strip())
        check = _ID_CHECKS.get(key)
        problems = [(item, check(item)) for item in items] if check is not None else []
        for item, problem in problems:
            if problem is not None:
                self.add(self.lines.of(index, key, item), f"{key}: {problem}", index)
        return items


_LAST = 1 << 30  # problems of the whole file come after those with a line
_TABLES = 'the file holds [[owner]] tables with name = "..." and slack = "U..." (docs/owners.md)'


def _close(key: str, choices: tuple[str, ...]) -> str | None:
    matches = difflib.get_close_matches(key.lower(), choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


class _Across:
    """Rules between owners: one default, unique names, each channel claimed once."""

    def __init__(self, reader: _Reader, specs: dict[int, OwnerSpec]) -> None:
        self.reader = reader
        self.specs = specs

    def check(self) -> None:
        lines = self.reader.lines
        defaults = [i for i, spec in self.specs.items() if spec.is_default]
        names = ", ".join(self.specs[i].name for i in defaults)
        for i in defaults[1:]:
            message = f"more than one default owner: {names}; keep default = true on one"
            self.reader.add(lines.of(i, "default"), message, i)
        first_by_name: dict[str, int] = {}
        for i, spec in self.specs.items():
            first = first_by_name.setdefault(spec.name, i)
            if first != i:
                where = f"line {lines.of(first, 'name')}"
                message = f"the name is already used by owner #{first + 1} ({where}); rename one"
                self.reader.add(lines.of(i, "name"), message, i)
        self._channels()

    def _channels(self) -> None:
        lines = self.reader.lines
        claimed: dict[str, int] = {}
        for i, spec in self.specs.items():
            for channel in dict.fromkeys(spec.channels):
                first = claimed.setdefault(channel, i)
                if first != i:
                    where = f"line {lines.of(first, 'channels', channel)}"
                    message = (
                        f"channel {channel} is already claimed by {self.reader.labels[first]} "
                        f"({where}); a channel has one owner, so remove it from one of them"
                    )
                    self.reader.add(lines.of(i, "channels", channel), message, i)
