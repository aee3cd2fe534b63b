""" "Last week's fixes": themes marked fixed lately, whether they held, and what reporters said.

A theme is shown from the week it is marked fixed until it has been quiet (no flag) for two
weeks: after the fix, or after its latest flag since the fix. A theme flagged again after being
marked fixed is regressed and sits at the top. Before/after are the theme's flags in the 7 days
before the fix and in the days from the fix to the end of the digest's week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.digest.period import Period
from bot.vocabulary import ThemeStatus
from storage.models import Theme
from storage.queries.base import as_utc
from storage.queries.digest_history import FixResult

QUIET = timedelta(days=14)
BEFORE = timedelta(days=7)
TOP_FIXES = 5


class FixHistory(Protocol):
    """The Store reads this module uses."""

    def fixed_themes_of(self, owner_id: int, before: datetime) -> list[Theme]: ...
    def theme_flag_times(
        self, theme_ids: list[int], start: datetime, end: datetime
    ) -> dict[int, list[datetime]]: ...
    def fix_results(self, theme_ids: list[int], before: datetime) -> dict[int, FixResult]: ...


@dataclass(frozen=True)
class PastFix:
    """One theme marked fixed, its flags before and since, its check and its reporters."""

    theme_id: int
    label: str
    fixed_at: datetime
    fixed_by: str | None
    before: int  # flags in the 7 days before the fix
    after: int  # flags from the fix to the end of the week
    days_since: int  # days from the fix to the end of the week
    check: FixResult | None = None

    @property
    def regressed(self) -> bool:
        """Flagged again after it was marked fixed."""
        return self.after > 0


def past_fixes(
    store: FixHistory, owner_id: int, period: Period, *, top: int = TOP_FIXES
) -> tuple[PastFix, ...]:
    """The owner's fixed themes still worth showing in this period's digest, regressed first."""
    themes = [
        t
        for t in store.fixed_themes_of(owner_id, period.end)
        if t.id is not None and t.fixed_at is not None and t.status != ThemeStatus.WONT_FIX
    ]
    if not themes:
        return ()
    ids = [t.id for t in themes if t.id is not None]
    earliest = min(as_utc(t.fixed_at) for t in themes if t.fixed_at is not None) - BEFORE
    flags = store.theme_flag_times(ids, earliest, period.end)
    checks = store.fix_results(ids, period.end)
    shown = []
    for theme in themes:
        assert theme.id is not None and theme.fixed_at is not None
        fixed_at = as_utc(theme.fixed_at)
        times = flags.get(theme.id, [])
        since = [t for t in times if t >= fixed_at]
        if period.end - max([fixed_at, *since]) >= QUIET:
            continue  # quiet for two weeks: it held, the digest stops showing it
        shown.append(
            PastFix(
                theme_id=theme.id,
                label=theme.label,
                fixed_at=fixed_at,
                fixed_by=theme.fixed_by,
                before=sum(fixed_at - BEFORE <= t < fixed_at for t in times),
                after=len(since),
                days_since=max(1, round((period.end - fixed_at) / timedelta(days=1))),
                check=checks.get(theme.id),
            )
        )
    shown.sort(key=lambda f: (not f.regressed, -f.fixed_at.timestamp(), f.theme_id))
    return tuple(shown[:top])


def fix_line(fix: PastFix) -> str:
    """Plain text (renderers escape it): the flags before and since, the check, the reporters."""
    since = "day" if fix.days_since == 1 else "days"
    weekly = "" if fix.days_since == 7 else f" ({fix.after * 7 / fix.days_since:.1f} a week)"
    parts = [
        f"marked fixed {fix.fixed_at:%a %d %b}",
        f"flags {fix.before} in the 7 days before → {fix.after} in the {fix.days_since} {since} "
        f"since{weekly}",
    ]
    check = fix.check
    if check is not None:
        verdict = f"fix check: {check.passes} of {check.questions} questions now pass"
        if check.changed:
            verdict += f", {check.changed} changed (no correction to check)"
        if check.fails:
            verdict += f", {check.fails} still failed"
        parts.append(verdict)
        parts.append(reporters_text(check.told, check.confirmed, check.disputed))
    return "; ".join(parts)


def reporters_text(told: int, confirmed: int, disputed: int) -> str:
    """`1 of 2 reporters confirmed the fix, 1 says still wrong`; `no reporter told`."""
    if not told:
        return "no reporter told"
    noun = "reporter" if told == 1 else "reporters"
    text = f"{confirmed} of {told} {noun} confirmed the fix"
    if disputed:
        text += f", {disputed} {'says' if disputed == 1 else 'say'} still wrong"
    if waiting := told - confirmed - disputed:
        text += f", {waiting} not replied yet"
    return text
