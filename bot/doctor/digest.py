"""Owners and the digest schedule: is the owners file valid, who owns what, who gets a digest when.

The owners file is checked with `load_owners_file`, the validation `lastmile owners --check`
and every start use. Owners added with `/lastmile owners` live only in the database, so they
count too (the file is synced over them by name at start, as the bot does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from croniter import croniter

from bot.digest.period import period_ended_before
from bot.doctor.owner_actors import Actors, check_who_can_act
from bot.doctor.report import Check, fail, ok, warn
from bot.owners import OwnersFileError, is_user_id, load_owners_file
from storage.models import Owner

OWNERS_FIX = "Write an owners file (docs/digest.md) and set LASTMILE_OWNERS_FILE to its path."
FILE_FIX = "Fix the file, then `lastmile owners --check FILE` checks it again (docs/digest.md)."
SHOWN = 4


@dataclass(frozen=True)
class Recipient:
    """An owner who gets a digest, and where it goes."""

    name: str
    slack_id: str
    is_default: bool

    @property
    def destination(self) -> str:
        """`DM to U...` or `in C...`."""
        return f"DM to {self.slack_id}" if is_user_id(self.slack_id) else f"in {self.slack_id}"


def check_owners(
    path: Path | None, stored: Sequence[Owner], problem: str | None = None
) -> tuple[list[Check], list[Recipient]]:
    """The owners file's problems (one FAIL each), or who the owners are; and the recipients."""
    if problem is not None:
        fix = "Create the file (docs/digest.md) or fix LASTMILE_OWNERS_FILE."
        return [fail("owners file", problem, fix)], []
    extra = [Recipient(o.name, o.slack_id, o.is_default) for o in stored]
    if path is None:
        return [*_without_file(extra), *check_who_can_act(stored)], extra
    try:
        specs = load_owners_file(path)
    except OwnersFileError as error:
        checks = [fail("owners file", p, "") for p in error.problems]
        checks[-1] = fail("owners file", error.problems[-1], FILE_FIX)  # the fix once, at the end
        return checks, []
    recipients = [Recipient(s.name, s.slack_id, s.is_default) for s in specs]
    added = [r for r in extra if r.name not in {s.name for s in specs}]
    detail = f"{path}: valid, {len(specs)} owner(s): {_names(recipients)}"
    if added:
        detail += f"; and {len(added)} added with /lastmile owners: {_names(added)}"
    recipients += added
    actors: list[Actors] = [*specs, *(o for o in stored if o.name not in {s.name for s in specs})]
    return [
        ok("owners file", detail),
        *_default(recipients),
        *check_who_can_act(actors),
    ], recipients


def _names(recipients: Sequence[Recipient]) -> str:
    shown = ", ".join(r.name for r in recipients[:SHOWN])
    return shown + (f" and {len(recipients) - SHOWN} more" if len(recipients) > SHOWN else "")


def _without_file(stored: list[Recipient]) -> list[Check]:
    if not stored:
        detail = (
            "LASTMILE_OWNERS_FILE is not set and no owner was added with /lastmile owners: "
            "flagged answers reach nobody and no digest is sent"
        )
        return [fail("owners", detail, OWNERS_FIX)]
    detail = f"{len(stored)} owner(s) added with /lastmile owners; LASTMILE_OWNERS_FILE is not set"
    return [ok("owners", detail), *_default(stored)]


def _default(recipients: Sequence[Recipient]) -> list[Check]:
    if any(r.is_default for r in recipients):
        return []
    detail = "no default owner: failures outside every owner's channels and topics reach nobody"
    return [warn("owners", detail, "Set default = true on the owner who should catch the rest.")]


def check_schedule(
    schedule: str, timezone: str, recipients: Sequence[Recipient], now: datetime
) -> Check:
    """When the next digest fires (in LASTMILE_TIMEZONE), which week it covers and for whom."""
    zone = ZoneInfo(timezone)
    upcoming: datetime = croniter(schedule, now.astimezone(zone)).get_next(datetime)
    week = period_ended_before(upcoming, timezone).key
    when = f"next {upcoming:%a %Y-%m-%d %H:%M} {timezone} ({schedule!r}) for {week}"
    if not recipients:
        detail = f"{when}, but nobody would receive a digest: there is no owner"
        return warn("digest", detail, OWNERS_FIX)
    shown = ", ".join(f"{r.name} ({r.destination})" for r in recipients[:SHOWN])
    more = f" and {len(recipients) - SHOWN} more" if len(recipients) > SHOWN else ""
    return ok("digest", f"{when} to {len(recipients)} owner(s): {shown}{more}")
