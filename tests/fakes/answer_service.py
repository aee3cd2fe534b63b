"""A scripted company answer service for `LASTMILE_PROVIDER=http` (contract v1), over real HTTP.

Each POST takes the next scripted `ServiceReply` (bytes written as given, so a test can send
what a broken service sends: a wrong status, invalid JSON, a stream cut before `done`, a stall,
a body too large) and is recorded with its headers and JSON body.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .lifecycle import ThreadedHttp


@dataclass(frozen=True)
class ServiceRequest:
    """One request as the service saw it (header names lower-cased)."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class ServiceReply:
    """Status, content type and body pieces, written in order; `stall_s` before the first."""

    pieces: tuple[bytes, ...]
    status: int = 200
    content_type: str = "application/json"
    stall_s: float = 0.0
    length: bool = False  # send Content-Length (a whole body) instead of closing to end it


def json_reply(data: object, *, status: int = 200) -> ServiceReply:
    """One JSON body with its Content-Length."""
    return ServiceReply((json.dumps(data).encode(),), status=status, length=True)


def sse(event: str, data: object) -> bytes:
    """One Server-Sent Event frame."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def stream_reply(
    pieces: list[str], done: dict[str, Any] | None = None, *, stall_s: float = 0.0
) -> ServiceReply:
    """`delta` events for `pieces`, then `done` with `done` (None: the stream just stops)."""
    frames = [sse("delta", {"text": piece}) for piece in pieces]
    if done is not None:
        frames.append(sse("done", done))
    return ServiceReply(tuple(frames), content_type="text/event-stream", stall_s=stall_s)


@dataclass
class _State:
    requests: list[ServiceRequest] = field(default_factory=list)
    script: deque[ServiceReply] = field(default_factory=deque)
    default: ServiceReply | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FakeAnswerService(ThreadedHttp):
    """`with FakeAnswerService() as service:`; `service.url` is the answer endpoint."""

    def __init__(self) -> None:
        self._state = _State()
        super().__init__()

    def reply(self, *replies: ServiceReply) -> None:
        """Queue replies for the next requests, in order."""
        with self._state.lock:
            self._state.script.extend(replies)

    def always(self, reply: ServiceReply) -> None:
        """The reply once the script is empty."""
        with self._state.lock:
            self._state.default = reply

    @property
    def requests(self) -> list[ServiceRequest]:
        """Every request so far."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>/answer`."""
        return self.base_url + "/answer"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The contract's request handler."""
        return _handler_for(self)

    def stop(self) -> None:
        """Release stalled replies and close the socket."""
        self._state.stopping.set()
        super().stop()

    def _next(self, request: ServiceRequest) -> ServiceReply:
        with self._state.lock:
            self._state.requests.append(request)
            if self._state.script:
                return self._state.script.popleft()
            default = self._state.default
        return default or json_reply({"text": "Hello from the answer service."})

    def _stalled(self, seconds: float) -> bool:
        return self._state.stopping.wait(seconds)


def _handler_for(service: FakeAnswerService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            """Keep test output quiet."""

        def do_GET(self) -> None:
            """The contract has no GET: 405, as a real service would answer `lastmile doctor`."""
            self.close_connection = True
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            """Answer from the script."""
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = service._next(ServiceRequest(self.path, headers, body))
            self.close_connection = True
            if reply.stall_s and service._stalled(reply.stall_s):
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.length:
                self.send_header("Content-Length", str(sum(len(p) for p in reply.pieces)))
            self.end_headers()
            try:
                for piece in reply.pieces:
                    self.wfile.write(piece)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler
