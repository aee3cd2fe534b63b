"""HTTP plumbing for `FakeSlackApi`: parse a Web API request, write the reply.

slack_sdk POSTs to `<base_url><method>` with either a JSON body or a form body, sometimes
with query params, and the token in `Authorization: Bearer ...`. Form values that are JSON
arrays/objects (blocks, files, view) are decoded, so tests read `params["blocks"]` the same
whichever way slack_sdk chose to send it. Upload URLs (`/upload/v1/<file_id>`) take raw bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

Json = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """Status, JSON body and extra headers of one answer."""

    status: int
    body: Json
    headers: dict[str, str] = field(default_factory=dict)


class ApiBackend(Protocol):
    """What the handler needs from `FakeSlackApi`."""

    def answer(
        self, method: str, params: Json, headers: dict[str, str], token: str | None
    ) -> Reply: ...

    def receive_upload(self, file_id: str, data: bytes) -> bool: ...


def _maybe_json(value: str) -> Any:
    if value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_params(query: str, content_type: str, body: bytes) -> Json:
    """Query + form/JSON body, merged; JSON-looking form values decoded."""
    params: Json = {k: _maybe_json(v) for k, v in parse_qsl(query, keep_blank_values=True)}
    if content_type.startswith("application/json") and body:
        loaded = json.loads(body.decode("utf-8"))
        if isinstance(loaded, dict):
            params.update(loaded)
    elif content_type.startswith("application/x-www-form-urlencoded") and body:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        params.update({k: _maybe_json(v) for k, v in pairs})
    return params


def bearer_token(auth: str, params: Json) -> str | None:
    """The token from `Authorization: Bearer`, else from a `token` param."""
    if auth.startswith("Bearer ") and auth[7:].strip():
        return auth[7:].strip()
    token = params.pop("token", None)
    return str(token) if token else None


class ApiServer(ThreadingHTTPServer):
    """A threading HTTP server that carries its backend and drops broken-pipe noise."""

    daemon_threads = True

    def __init__(self, backend: ApiBackend) -> None:
        super().__init__(("127.0.0.1", 0), ApiHandler)
        self.fake = backend

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out on purpose (see `delay`) are not errors worth a traceback."""


class ApiHandler(BaseHTTPRequestHandler):
    """One request; the server object carries the backend as `server.fake`."""

    server: ApiServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: test output stays readable."""

    def do_GET(self) -> None:
        """Some clients send GET with query params; answer like POST."""
        self.do_POST()

    def do_POST(self) -> None:
        """Routes /api/<method> and /upload/v1/<file_id>."""
        backend = self.server.fake
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/upload/v1/"):
            accepted = backend.receive_upload(url.path.rsplit("/", 1)[-1], body)
            self._write(200 if accepted else 404, f"OK - {len(body)}".encode(), "text/plain")
            return
        if not url.path.startswith("/api/"):
            self._write(404, b"Not Found", "text/plain")
            return
        params = parse_params(url.query, self.headers.get("Content-Type", ""), body)
        token = bearer_token(self.headers.get("Authorization", ""), params)
        headers = {
            k: "<redacted>" if k.lower() == "authorization" else v for k, v in self.headers.items()
        }
        reply = backend.answer(url.path[len("/api/") :], params, headers, token)
        data = json.dumps(reply.body).encode("utf-8")
        self._write(reply.status, data, "application/json; charset=utf-8", reply.headers)

    def _write(
        self, status: int, data: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
