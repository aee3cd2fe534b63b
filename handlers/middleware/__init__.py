"""Global middleware: exactly-once Events API processing and log hygiene.

The processing contract for listeners is in handlers/middleware/events.py (`run_once`).
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot.runtime import Runtime
from handlers.middleware.delivery import ExactlyOnceEvents
from handlers.middleware.events import (
    MAX_ATTEMPTS,
    RESUMED,
    event_id_of,
    register_fallback,
    run_once,
)
from handlers.middleware.redaction import protect_logs

__all__ = [
    "MAX_ATTEMPTS",
    "RESUMED",
    "event_id_of",
    "register",
    "register_fallback",
    "run_once",
]


def register(app: App, runtime: Runtime, hand_off: Callable[[], None] | None = None) -> None:
    """Add the exactly-once middleware (before any listener package's) and protect the logs."""
    protect_logs()
    app.use(ExactlyOnceEvents(runtime, hand_off))
