"""Resume events a crash left behind: recorded (and acknowledged) but never finished.

Each unfinished event is re-dispatched through a synchronous copy of the app (same listeners,
same middleware, `process_before_response=True`), as a `socket_mode` request so Bolt skips
the signature check (the payload came from our own database), flagged `RESUMED` so the
middleware does not treat it as a duplicate. A slow listener's `run_once` takes it exactly
once; an event no listener took is marked done once its listeners have run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.app import build_app
from handlers.middleware.events import RESUMED, stale_after
from storage.models import ProcessedEvent
from storage.queries.base import as_utc

SWEEP_EVERY_S = 60.0
SWEEP_MIN_AGE_S = 120.0
"""A periodic sweep leaves recent events alone: their first worker is probably still on it."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumeReport:
    """What one resume pass did."""

    dispatched: int
    left: int


def resume_unfinished(
    runtime: Runtime, app: App, *, min_age_s: float = 0.0, limit: int = 100
) -> ResumeReport:
    """Re-dispatch unfinished events through `app` (a `build_app(..., synchronous=True)`)."""
    dispatched = left = 0
    for row in runtime.store.unfinished_events(limit):
        if not _due(runtime, row, min_age_s):
            left += 1
            continue
        dispatched += 1
        response = app.dispatch(
            BoltRequest(body=dict(row.payload), mode="socket_mode", context={RESUMED: True})
        )
        _settle(runtime, row, response.status)
    if dispatched:
        logger.info("resumed %d unfinished event(s); %d left for later", dispatched, left)
    return ResumeReport(dispatched=dispatched, left=left)


def _due(runtime: Runtime, row: ProcessedEvent, min_age_s: float) -> bool:
    now = as_utc(runtime.clock())
    if row.status == "processing":
        started = row.started_at or row.received_at
        return as_utc(started) <= now - stale_after(runtime)
    return as_utc(row.received_at) <= now - timedelta(seconds=min_age_s)


def _settle(runtime: Runtime, before: ProcessedEvent, status: int) -> None:
    if status != 200:
        # e.g. Slack unreachable for authorization: keep it for the next pass.
        logger.warning("resumed event %s answered %d; will retry", before.event_id, status)
        return
    after = runtime.store.get_event(before.event_id)
    untouched = after is not None and after.status == "received"
    if untouched and after is not None and after.attempts == before.attempts:
        # Its listeners ran and none took it: nothing slow to do for this event.
        runtime.store.finish_event(before.event_id, "done")


class ResumeSweeper:
    """The resume pass as a background job: bot/composition ticks it every minute."""

    name = "resume sweeper"
    every_s = SWEEP_EVERY_S

    def __init__(self, runtime: Runtime, client: WebClient):
        self.runtime = runtime
        self.app = build_app(runtime, client=client, synchronous=True)

    def run_now(self, min_age_s: float = 0.0) -> ResumeReport:
        """One pass (on start: `min_age_s=0`, everything unfinished is due)."""
        return resume_unfinished(self.runtime, self.app, min_age_s=min_age_s)

    def tick(self) -> None:
        """A periodic pass, leaving recent events to the worker that is probably still on them."""
        self.run_now(min_age_s=SWEEP_MIN_AGE_S)
