"""The global middleware that records each Events API delivery before Bolt acknowledges it.

See handlers/middleware/events.py for the whole contract. Bolt's own middleware runs first
(signature check, authorization, our-own-bot filter, url_verification); this one runs before
every listener package's middleware, because handlers/app.py registers it first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from bot.workspace.help_channels import is_channel_message, is_help_channel_question
from handlers.middleware.events import (
    QUEUED,
    QUEUED_COMMANDS,
    RESUMED,
    event_id_of,
    queued_command_id,
)

logger = logging.getLogger(__name__)

SECRET_KEYS = ("token",)
"""Top-level body keys never stored (the legacy verification token)."""


def is_from_a_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """True for messages by any bot or app, and for anything our own bot user did."""
    if event.get("bot_id") or event.get("subtype") == "bot_message":
        return True
    return bool(bot_user_id) and event.get("user") == bot_user_id


def event_kind(event: Mapping[str, Any]) -> str:
    """`app_mention`, `message.im`, `reaction_added`, ... as the manifest names events."""
    kind = str(event.get("type") or "unknown")
    channel_type = _CHANNEL_TYPES.get(str(event.get("channel_type")))
    if kind == "message" and channel_type is not None:
        return f"message.{channel_type}"
    return kind[:64]


# Events carry `channel_type` "channel" / "group"; the manifest names message.channels / .groups.
_CHANNEL_TYPES = {"im": "im", "channel": "channels", "group": "groups", "mpim": "mpim"}


def storable(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body without secrets, as kept in `processed_event.payload`."""
    return {key: value for key, value in body.items() if key not in SECRET_KEYS}


MAX_EVENT_ID_CHARS = 255
"""processed_event.event_id's column size."""
ACK_LOCK_WAIT_MS = 1_000
"""The longest the ack waits for SQLite's write lock before answering 503 (Slack retries)."""


class ExactlyOnceEvents(Middleware):
    """Record, de-duplicate and filter Events API deliveries; answer `app_rate_limited`.

    With `hand_off` (handlers/workers.py), a fresh event is only recorded and acked: the
    workers take it from the database. Without (the demo, a synchronous app), listeners run.
    """

    def __init__(self, runtime: Runtime, hand_off: Callable[[], None] | None = None) -> None:
        self.runtime = runtime
        self.hand_off = hand_off

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        """Skip (200) bots and redeliveries, 503 when the event cannot be recorded, else next."""
        body: dict[str, Any] = req.body
        kind = body.get("type")
        if kind == "app_rate_limited":
            logger.warning(
                "Slack is rate limiting events for team %s (minute %s): over 30,000 an hour",
                body.get("team_id"),
                body.get("minute_rate_limited"),
            )
            return BoltResponse(status=200, body="")
        if kind != "event_callback":
            if self.hand_off is not None and not req.context.get(RESUMED):
                self._queue_command(req, body)
            next()
            return resp
        event = body.get("event") or {}
        if is_from_a_bot(event, req.context.bot_user_id):
            return BoltResponse(status=200, body="")
        if is_channel_message(event) and not is_help_channel_question(
            event, self.runtime.workspace, req.context.bot_user_id
        ):
            return BoltResponse(status=200, body="")  # channel chatter: nothing to store
        if req.context.get(RESUMED):
            next()  # handlers/resume.py: recorded long ago, now being processed again
            return resp
        return self._claim(req, resp, next, body, event)

    def _queue_command(self, req: BoltRequest, body: dict[str, Any]) -> None:
        """Record a queued slash command (e.g. /ask) for the workers before its ack.

        If the database is down the command is not queued and its listener answers it in
        this process, as without workers: the asker still gets an answer.
        """
        kind = QUEUED_COMMANDS.get(str(body.get("command") or ""))
        if kind is None or not body.get("trigger_id"):
            return
        event_id = queued_command_id(body)
        try:
            fresh = self.runtime.store.claim_event(
                event_id, kind, storable(body), lock_wait_ms=ACK_LOCK_WAIT_MS
            )
        except SQLAlchemyError as error:
            logger.error("cannot queue command %s: %s", event_id, type(error).__name__)
            return
        req.context[QUEUED] = True
        if fresh and self.hand_off is not None:
            self.hand_off()

    def _claim(
        self,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
        body: dict[str, Any],
        event: Mapping[str, Any],
    ) -> BoltResponse | None:
        event_id = event_id_of(body)
        if not event_id:
            logger.warning("event_callback without event_id; processing without de-duplication")
            next()
            return resp
        if len(event_id) > MAX_EVENT_ID_CHARS:
            # Slack's ids are short; a longer one could never be stored, so every retry would fail.
            logger.warning("event id of %d characters refused", len(event_id))
            return BoltResponse(status=400, body={"error": "event_id too long"})
        try:
            fresh = self.runtime.store.claim_event(
                event_id, event_kind(event), storable(body), lock_wait_ms=ACK_LOCK_WAIT_MS
            )
        except SQLAlchemyError as error:
            # Not acknowledged: Slack redelivers later, when the database may be back.
            logger.error("cannot record event %s: %s", event_id, type(error).__name__)
            return BoltResponse(status=503, body={"error": "temporarily unavailable"})
        if not fresh:
            retry = req.headers.get("x-slack-retry-num", [""])[0]
            logger.info("event %s already recorded; skipped (retry %s)", event_id, retry or "-")
            return BoltResponse(status=200, body="")
        if self.hand_off is not None:
            self.hand_off()  # a worker takes it from the database; the ack waits for nothing
            return BoltResponse(status=200, body="")
        next()
        return resp
