"""HTTP mode: the WSGI app (Slack Request URL, /healthz, /readyz) served by waitress."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers.server.http import HttpServer
from handlers.server.limits import DEFAULT_LIMITS, EdgeLimits
from handlers.server.wsgi import EVENTS_PATH, SlackWsgi

__all__ = ["EVENTS_PATH", "EdgeLimits", "HttpServer", "SlackWsgi", "http_server"]


def http_server(
    runtime: Runtime, app: App, *, host: str, port: int, limits: EdgeLimits = DEFAULT_LIMITS
) -> HttpServer:
    """A bound (not yet serving) HTTP server for `app`; readiness checks `runtime.store`.

    Requests are verified with `runtime.settings.slack_signing_secret` before Bolt sees them.
    """
    wsgi = SlackWsgi(app, runtime.store, signing_secret=runtime.settings.slack_signing_secret)
    return HttpServer(wsgi, host=host, port=port, limits=limits)
