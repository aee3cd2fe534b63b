"""Socket Mode (`lastmile run`): Bolt's built-in handler plus a liveness watchdog.

Idle Socket Mode connections have been reported to stop receiving events without any error
(bolt-python #1529, python-slack-sdk #1701): pings keep working, events just stop. So the
watchdog does not trust pongs. It counts only messages Slack sends us (hello, events,
disconnect notices); after `idle_limit_s` without one it opens a fresh connection
(`apps.connections.open` again). On an idle workspace that costs one reconnect per period,
which Slack handles as routinely as its own hourly refreshes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient

logger = logging.getLogger(__name__)

IDLE_LIMIT_S = 600.0
CHECK_EVERY_S = 30.0


class SocketModeRunner:
    """Connects `app` over Socket Mode and reconnects when the connection goes quiet."""

    def __init__(
        self,
        app: App,
        app_token: str,
        *,
        api_url: str,
        idle_limit_s: float = IDLE_LIMIT_S,
        check_every_s: float = CHECK_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Its own client on SLACK_API_URL (no bot token): apps.connections.open uses the app token.
        web_client = WebClient(base_url=api_url, timeout=10)
        self.handler = SocketModeHandler(app, app_token=app_token, web_client=web_client)
        self.idle_limit_s = idle_limit_s
        self.check_every_s = check_every_s
        self.clock = clock
        self.reconnects = 0
        self._last_heard = clock()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="lastmile-sm-watch", daemon=True)
        self.handler.client.on_message_listeners.append(self._heard)

    def _heard(self, _message: str) -> None:
        self._last_heard = self.clock()

    @property
    def client(self) -> SocketModeClient:
        """The underlying slack_sdk Socket Mode client."""
        return self.handler.client

    @property
    def idle_s(self) -> float:
        """Seconds since Slack last sent us a message on any connection."""
        return self.clock() - self._last_heard

    def connect(self) -> None:
        """Open the connection (raises SlackApiError on a bad app token)."""
        self._last_heard = self.clock()
        self.handler.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped

    def check_liveness(self) -> bool:
        """Reconnect if the connection has been quiet too long; True when it reconnected."""
        if self.idle_s < self.idle_limit_s:
            return False
        logger.warning("Socket Mode quiet for %.0f s; opening a new connection", self.idle_s)
        self._last_heard = self.clock()
        self.handler.client.connect_to_new_endpoint(force=True)
        self.reconnects += 1
        return True

    def start(self) -> None:
        """Connect and start the watchdog thread."""
        self.connect()
        self._watchdog.start()

    def wait(self) -> None:
        """Block until `request_stop()` or `close()`."""
        self._stop.wait()

    def request_stop(self) -> None:
        """Make `wait()` return; safe to call from a signal handler."""
        self._stop.set()

    def close(self) -> None:
        """Stop the watchdog and close the connection."""
        self._stop.set()
        self.handler.close()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped

    def _watch(self) -> None:
        while not self._stop.wait(self.check_every_s):
            try:
                self.check_liveness()
            except Exception as error:
                # A failed reconnect (network down) is retried at the next check.
                logger.error("Socket Mode reconnect failed: %s", type(error).__name__)
