"""How a running bot meets Slack: HTTP (`lastmile serve`) or Socket Mode (`lastmile run`).

Both start the bot's background services before taking traffic and stop them after the
transport has stopped, on SIGTERM (containers, systemd) or SIGINT (Ctrl-C). SIGHUP reloads
the knowledge folder at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from bot.composition.root import RunningBot
from handlers.server import EVENTS_PATH, HttpServer, http_server
from handlers.socket_mode import SocketModeRunner

log = logging.getLogger(__name__)
Say = Callable[[str], None]


def on_signals(stop: Callable[[], None], reload: Callable[[], None]) -> None:
    """`stop` on SIGTERM and SIGINT, `reload` on SIGHUP (each called off the signal frame)."""

    def later(action: Callable[[], None]) -> Callable[[int, Any], None]:
        def handler(_signum: int, _frame: Any) -> None:
            # Never block inside a signal handler: the main thread may hold a lock we'd need.
            threading.Thread(target=action, daemon=True).start()

        return handler

    signal.signal(signal.SIGTERM, later(stop))
    signal.signal(signal.SIGINT, later(stop))
    signal.signal(signal.SIGHUP, later(reload))


def bind_http(bot: RunningBot, *, host: str, port: int) -> HttpServer:
    """Bind the HTTP server (raises OSError when the address is taken)."""
    return http_server(bot.runtime, bot.app, host=host, port=port)


def serve_http(bot: RunningBot, server: HttpServer, say: Say) -> None:
    """Start the services, serve until a stop signal, drain, then stop the services."""
    bot.start()
    on_signals(server.stop, bot.reload_knowledge)
    say(f"lastmile serving Slack at {server.url}{EVENTS_PATH}")
    say(f"background services: {', '.join(bot.services.names())}")
    try:
        server.serve_forever()
    finally:
        bot.stop()


def socket_mode_runner(bot: RunningBot) -> SocketModeRunner:
    """The Socket Mode connection for `bot` (not connected yet)."""
    settings = bot.runtime.settings
    return SocketModeRunner(bot.app, settings.slack_app_token, api_url=settings.slack_api_url)


def run_socket_mode(bot: RunningBot, runner: SocketModeRunner, say: Say) -> None:
    """Start the services, stay connected until a stop signal, then stop both."""
    bot.start()
    on_signals(runner.request_stop, bot.reload_knowledge)
    say("lastmile is connected to Slack over Socket Mode (Ctrl-C stops).")
    say(f"background services: {', '.join(bot.services.names())}")
    try:
        runner.wait()
    finally:
        runner.close()
        bot.stop()
