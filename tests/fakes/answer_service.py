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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from .lifecycle import Served


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


class FakeAnswerService(Served):
    """`with FakeAnswerService() as service:`; `service.url` is the answer endpoint."""

    def __init__(self) -> None:
        self._state = _State()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

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
        assert self._httpd is not None, "service not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/answer"

    def start(self) -> Self:
        """Listen on a free port in a background thread."""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release stalled replies and close the socket."""
        self._state.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

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
