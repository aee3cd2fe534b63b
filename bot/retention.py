"""What lastmile keeps and for how long (docs/operations.md says the same for admins).

- A Slack event's raw payload (which holds a DM's or a mention's text) is dropped the moment the
  event is finished (storage/queries/events.py). Its row (event id, kind, status, times) stays
  for DEDUPE_WINDOW, so a Slack retry or a second replica still sees it was handled, then goes.
  An event never finished keeps its payload for the resume sweep, at most `retention_days`.
- People's text: each question older than `retention_days` (LASTMILE_RETENTION_DAYS) goes, with
  its answers, all feedback on them (votes, reasons, corrections) and their urgent pings; so
  does each fix check (the replay shown at Mark fixed quotes questions, answers, corrections)
  older than that, with the notices that told reporters about it.
- Product data stays: owners, themes, digest runs (counts only) and verified answers with their
  question wordings, which an owner approved on purpose. A verified answer made from a purged
  correction keeps its text and loses only the link to that correction.

`purge_expired` is idempotent and cheap when nothing is due, and replicas may run it at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from bot.clock import system_clock
from storage import Store
from storage.queries.retention import PurgedRows

DEDUPE_WINDOW = timedelta(days=7)
"""Slack retries a delivery within minutes; a week of finished event ids is plenty."""
PURGE_EVERY_S = 3600.0
"""How often a running bot purges: retention is in days, an hour late is nothing."""

COUNTED = tuple(f.name for f in fields(PurgedRows))
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    """Rows one purge deleted (or with `dry_run`, would delete), table by table."""

    processed_events: int
    questions: int
    answers: int
    feedback: int
    urgent_pings: int
    fix_checks: int
    fix_notices: int
    verified_answers_unlinked: int
    """Verified answers kept whose source correction was deleted (the link is cleared)."""
    conversations_before: datetime
    events_finished_before: datetime
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        """The per-table counts, by table name."""
        return {name: getattr(self, name) for name in COUNTED}

    @property
    def total(self) -> int:
        """Every row counted (unlinked verified answers are kept, so they don't count)."""
        counts = self.counts()
        return sum(counts.values()) - counts["verified_answers_unlinked"]


def purge_expired(
    store: Store, *, now: datetime, retention_days: int, dry_run: bool = False
) -> PurgeReport:
    """Delete what is past its keeping time at `now` (see the module docstring)."""
    conversations_before = now - timedelta(days=retention_days)
    events_finished_before = now - DEDUPE_WINDOW
    rows = store.purge_rows(
        events_finished_before=events_finished_before,
        events_before=conversations_before,
        conversations_before=conversations_before,
        dry_run=dry_run,
    )
    return PurgeReport(
        **asdict(rows),
        conversations_before=conversations_before,
        events_finished_before=events_finished_before,
        dry_run=dry_run,
    )


class RetentionJob:
    """`purge_expired` as a background job for a running bot (ticked every PURGE_EVERY_S)."""

    name = "retention"
    every_s = PURGE_EVERY_S

    def __init__(
        self,
        store: Store,
        retention_days: int,
        clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self.store = store
        self.retention_days = retention_days
        self.clock = clock

    def tick(self) -> float | None:
        """One purge; logs the counts (ids and numbers only) when anything went."""
        report = purge_expired(self.store, now=self.clock(), retention_days=self.retention_days)
        if report.total:
            shown = ", ".join(f"{k} {v}" for k, v in report.counts().items() if v)
            log.info("retention purge (older than %d days): %s", self.retention_days, shown)
        return None
