"""`serve_wsgi`: run any WSGI app (e.g. Bolt's `SlackRequestHandler(app)`) on real HTTP.

    with serve_wsgi(SlackRequestHandler(app)) as base_url:
        sender = SlackSender(base_url + "/slack/events", secret)

A threading stdlib server on 127.0.0.1 (ephemeral port) in a daemon thread, so several
requests can be in flight at once, as with Slack's retries. Logging is silenced.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import WSGIApplication


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Silent: test output stays readable."""


@contextmanager
def serve_wsgi(app: WSGIApplication) -> Iterator[str]:
    """Serves `app` until the block ends; yields `http://127.0.0.1:<port>`."""
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
