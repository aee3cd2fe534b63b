"""The urgent-ping service: every minute, send what waited for an owner's interval to pass."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.feedback.urgent import URGENT_FLUSH_EVERY_S, flush_due
from bot.runtime import Runtime
from handlers.feedback.urgent_ping import SlackUrgentSender


class UrgentPingFlusher:
    """A background job: one coalesced message per owner whose pending pings are due."""

    name = "urgent pings"
    every_s = URGENT_FLUSH_EVERY_S

    def __init__(self, runtime: Runtime, client: WebClient) -> None:
        self.runtime = runtime
        self.send = SlackUrgentSender(client)

    def tick(self) -> float | None:
        """Flush every due owner; a failed send stays pending for the next tick."""
        settings = self.runtime.settings
        flush_due(
            self.runtime.store,
            interval_s=settings.urgent_ping_interval_s,
            admins=settings.admins,
            send=self.send,
        )
        return None
