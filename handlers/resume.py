"""Run one recorded event: dispatch its stored payload through a synchronous copy of the app.

The event workers (handlers/workers.py) claim events from the database and hand each one here.
The payload is dispatched through an app built with `synchronous=True` (same listeners, same
middleware, `process_before_response=True`), as a `socket_mode` request so Bolt skips the
signature check (the payload came from our own database), flagged `RESUMED` so the middleware
does not treat it as a duplicate, inside `holding_event` so the listener's `run_once` knows the
event is already taken. An event no listener finished is settled here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App, BoltRequest
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from handlers.middleware.events import RESUMED, holding_event, stale_after
from storage.queries.event_queue import Claimed

RETRY_S = 5.0
"""A dispatch that could not run (Slack or the database unreachable) is due again after this."""
LEASE_S = 30.0
"""How long a claim lasts without a heartbeat: after a crash, its events wait at most this."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumeReport:
    """What one pass over the queue did."""

    dispatched: int


def claim_next(
    runtime: Runtime, *, lease_s: float = LEASE_S, skip_kinds: tuple[str, ...] | None = None
) -> Claimed | None:
    """Claim the oldest due event (legacy rows without a lease count once `stale_after` old)."""
    return runtime.store.next_event(
        lease_s=lease_s,
        skip_kinds=skip_kinds,
        stale_before=runtime.clock() - stale_after(runtime),
    )


def run_claimed(runtime: Runtime, app: App, claimed: Claimed) -> None:
    """Dispatch a claimed event through `app` (a `build_app(..., synchronous=True)`), settle it."""
    with holding_event(claimed.event_id, claimed.attempt, claimed.received_at):
        request = BoltRequest(
            body=dict(claimed.payload), mode="socket_mode", context={RESUMED: True}
        )
        response = app.dispatch(request)
    _settle(runtime, claimed, response.status)


def resume_unfinished(runtime: Runtime, app: App, *, limit: int = 100) -> ResumeReport:
    """Run every due event in the caller's thread, up to `limit` (tests, one-shot passes)."""
    dispatched = 0
    while dispatched < limit and (claimed := claim_next(runtime)) is not None:
        run_claimed(runtime, app, claimed)
        dispatched += 1
    return ResumeReport(dispatched=dispatched)


def _settle(runtime: Runtime, claimed: Claimed, status: int) -> None:
    store = runtime.store
    try:
        row = store.get_event(claimed.event_id)
        if row is None or row.status != "processing" or row.attempts != claimed.attempt:
            return  # finished, released or retaken: its listener settled it
        if status != 200:
            # e.g. Slack unreachable for authorization: a worker tries again shortly.
            logger.warning("event %s answered %d; will retry", claimed.event_id, status)
            store.release_event(claimed.event_id, retry_after_s=RETRY_S)
            return
        store.finish_event(claimed.event_id, "done")  # its listeners ran; none took it
    except SQLAlchemyError as error:
        # The lease runs out and the event is retried: its work is idempotent.
        logger.error("event %s: could not settle (%s)", claimed.event_id, type(error).__name__)
