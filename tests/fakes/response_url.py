"""A local stand-in for Slack's `response_url`: records what the app posts back."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ResponseUrl:
    """Collected JSON bodies, with a condition to wait on."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        self.url = ""

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until `count` bodies arrived (AssertionError after `timeout`)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout):
                raise AssertionError(f"response_url got {len(self.bodies)} of {count} posts")
            return list(self.bodies)


@contextmanager
def response_url() -> Iterator[ResponseUrl]:
    """Serve a response_url on 127.0.0.1 for one test."""
    sink = ResponseUrl()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with sink.arrived:
                sink.bodies.append(body)
                sink.arrived.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/commands/T1/1/abc"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
