"""The doctor's report: one `Check` per line, `[ok  ]`, `[warn]` or `[FAIL]`, each with its fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

BUG_FIX = "This is a bug in lastmile; please report this line."


class Status(StrEnum):
    """How a check went: only FAIL makes `lastmile doctor` exit 1."""

    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: what was checked, what was found, how to fix it."""

    name: str
    status: Status
    detail: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        """True for a FAIL line."""
        return self.status is Status.FAIL


def ok(name: str, detail: str) -> Check:
    """A check that passed."""
    return Check(name, Status.OK, detail)


def warn(name: str, detail: str, fix: str) -> Check:
    """Works, but probably not as the admin meant it."""
    return Check(name, Status.WARN, detail, fix)


def fail(name: str, detail: str, fix: str) -> Check:
    """Broken: the bot can't do this part of its job until it is fixed."""
    return Check(name, Status.FAIL, detail, fix)


def unexpected(name: str, error: Exception) -> Check:
    """The FAIL line for an error a check did not expect (instead of a traceback)."""
    text = str(error).strip().splitlines()
    reason = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    return fail(name, f"the check itself failed ({reason})", BUG_FIX)


def guarded(name: str, run: Callable[[], list[Check]]) -> list[Check]:
    """Run one check; an error it did not expect becomes its FAIL line."""
    try:
        return run()
    except Exception as error:  # noqa: BLE001 - the report must reach the admin whole
        return [unexpected(name, error)]


def render(check: Check) -> list[str]:
    """The printed lines of one check: the finding, then `-> fix` when there is one."""
    lines = [f"[{check.status.value:<4}] {check.name}: {check.detail}"]
    if check.fix:
        lines.append(f"       -> {check.fix}")
    return lines


def summary(checks: Sequence[Check]) -> str:
    """The last line: how many checks failed, warned and passed."""
    counts = {status: sum(c.status is status for c in checks) for status in Status}
    return f"{counts[Status.FAIL]} failed, {counts[Status.WARN]} warning(s), {counts[Status.OK]} ok"


def exit_code(checks: Sequence[Check]) -> int:
    """1 when any check failed, else 0 (warnings do not fail)."""
    return 1 if any(check.failed for check in checks) else 0
