"""A compact Slack Web API for the demo: real HTTP on 127.0.0.1, every call recorded.

It answers the methods lastmile's handlers call (chat.*, chat.*Stream, views.*, conversations.*,
files upload v2, assistant.threads.*), keeps messages so answers and digests can be read back,
and wakes waiters when a call arrives. Unknown methods get `unknown_method`, as Slack answers.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.demo.fake_methods import Workspace

Json = dict[str, Any]
JSON_PARAMS = ("blocks", "metadata", "view", "attachments", "files", "chunks")


@dataclass(frozen=True)
class Call:
    """One Web API call as received and what the fake answered."""

    method: str
    params: Json
    response: Json


def parse_params(body: bytes, content_type: str, query: str) -> Json:
    """Query, form and JSON parameters merged; JSON-looking form values decoded."""
    params: Json = dict(parse_qsl(query))
    if "application/json" in content_type and body:
        params.update(json.loads(body))
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            params[key] = json.loads(value)
    return params


class FakeSlack:
    """The fake Web API server; `api_url` is what a WebClient's base_url should be."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.workspace = Workspace(f"http://127.0.0.1:{self._server.server_port}/upload/")
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        """The base URL to give slack_sdk."""
        return f"http://127.0.0.1:{self._server.server_port}/api/"

    def start(self) -> FakeSlack:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def handle(self, method: str, params: Json) -> Json:
        """Run one method, record it and wake waiters."""
        response = self.workspace.dispatch(method, params)
        with self._changed:
            self.calls.append(Call(method, params, response))
            self._changed.notify_all()
        return response

    def upload(self, file_id: str, data: bytes) -> None:
        """Keep uploaded bytes (the digest chart)."""
        with self._changed:
            self.workspace.uploads[file_id] = data
            self._changed.notify_all()

    def wait_until(self, ready: Callable[[], Any], timeout: float = 30.0) -> Any:
        """Block until `ready()` is truthy (re-checked on every call); raises TimeoutError."""
        with self._changed:
            result = self._changed.wait_for(ready, timeout=timeout)
        if not result:
            raise TimeoutError("the app did not make the expected Slack call in time")
        return result

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method, oldest first."""
        with self._changed:
            return [call for call in self.calls if call.method == method]


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    counter = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            path, _, query = self.path.partition("?")
            if path.startswith("/upload/"):
                fake.upload(path.rsplit("/", 1)[-1] or f"F{next(counter)}", body)
                self._reply(b"OK - uploaded", "text/plain")
                return
            params = parse_params(body, self.headers.get("Content-Type") or "", query)
            response = fake.handle(path.rsplit("/", 1)[-1], params)
            self._reply(json.dumps(response).encode(), "application/json")

        def _reply(self, data: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the demo prints its own progress."""

    return Handler
