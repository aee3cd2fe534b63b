"""A scripted local HTTP server speaking Server-Sent Events, shared by the fake LLM APIs.

Each request takes the next scripted reply (a default one when the script is empty, or what
the optional `chooser` callable picks) and is recorded. Faults: an HTTP error status, a stall
before the first byte, a stream cut mid-way.
`require_key` makes every request with another key get 401, as the real APIs answer; GET
requests (the models list) are answered by the subclass's `get`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .lifecycle import ThreadedHttp

DEFAULT_REPLY = "Hello from the fake server."


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """One scripted reply: `status` != 200 sends an error body instead of a stream."""

    chunks: tuple[str, ...] = (DEFAULT_REPLY,)
    status: int = 200
    stall_s: float = 0.0
    cut_after: int | None = None


@dataclass
class _State:
    requests: list[RecordedRequest] = field(default_factory=list)
    script: deque[Reply] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    key: str | None = None


def split_text(text: str, parts: int) -> tuple[str, ...]:
    """Split `text` into about `parts` pieces at spaces; the pieces join back to `text`."""
    words = text.split(" ")
    size = max(1, -(-len(words) // max(parts, 1)))
    groups = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return tuple(g + (" " if i < len(groups) - 1 else "") for i, g in enumerate(groups))


class FakeLLMServer(ThreadedHttp):
    """Base class: subclasses say which path they serve and how events and errors look."""

    path = "/"

    def __init__(self, *, chooser: Callable[[RecordedRequest], Reply] | None = None) -> None:
        self._state = _State()
        self._chooser = chooser  # the reply when the script is empty (soak runs); else default
        super().__init__()

    # -- wire format, overridden by each API ------------------------------------------------
    def events(self, chunks: Sequence[str], body: dict[str, Any]) -> list[bytes]:
        """The SSE frames for a successful reply; frame i carries chunk i after `lead_frames`."""
        raise NotImplementedError

    lead_frames = 0

    def error_body(self, status: int) -> dict[str, Any]:
        """The JSON body sent with an error status."""
        raise NotImplementedError

    def sent_key(self, headers: dict[str, str]) -> str:
        """The API key a request carries (headers lower-cased); each API sends it its way."""
        raise NotImplementedError

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for `GET path` (path without the query string)."""
        return 404, {"error": {"message": f"no route {path}"}}

    def require_key(self, key: str) -> None:
        """Refuse every later request that does not carry `key`, with 401 and the API's body."""
        with self._state.lock:
            self._state.key = key

    def accepts(self, headers: dict[str, str]) -> bool:
        """True unless `require_key` was called and the request carries another key."""
        with self._state.lock:
            wanted = self._state.key
        return wanted is None or self.sent_key(headers) == wanted

    # -- scripting ---------------------------------------------------------------------------
    def reply_with(self, text: str, *, chunks: int | Sequence[str] | None = None) -> None:
        """Queue a streamed reply of `text`, in `chunks` pieces (a count or the pieces)."""
        pieces = split_text(text, chunks) if isinstance(chunks, int) else tuple(chunks or (text,))
        self._push(Reply(chunks=pieces))

    def fail_with(self, status: int, *, times: int = 1) -> None:
        """Queue `times` error replies with HTTP `status` (500, 429, 529...)."""
        for _ in range(times):
            self._push(Reply(status=status))

    def stall(self, seconds: float, text: str = DEFAULT_REPLY) -> None:
        """Queue a reply whose first byte comes only after `seconds` (or when the server stops)."""
        self._push(Reply(chunks=(text,), stall_s=seconds))

    def cut_after(self, n_chunks: int, text: str, *, chunks: int) -> None:
        """Queue a reply that drops the connection after `n_chunks` of its `chunks` pieces."""
        self._push(Reply(chunks=split_text(text, chunks), cut_after=n_chunks))

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in order."""
        with self._state.lock:
            return list(self._state.requests)

    def _push(self, reply: Reply) -> None:
        with self._state.lock:
            self._state.script.append(reply)

    # -- lifecycle ---------------------------------------------------------------------------
    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler for this API."""
        return _handler_for(self)

    def stop(self) -> None:
        """Release stalled replies, stop serving and close the socket."""
        self._state.stopping.set()
        super().stop()

    def next_reply(self, request: RecordedRequest) -> Reply:
        """Record `request` and take the next scripted reply."""
        with self._state.lock:
            self._state.requests.append(request)
            if self._state.script:
                return self._state.script.popleft()
        return self._chooser(request) if self._chooser else Reply()

    def record(self, request: RecordedRequest) -> None:
        """Record a request answered without a scripted reply (refused, or a GET)."""
        with self._state.lock:
            self._state.requests.append(request)

    def wait_stall(self, seconds: float) -> bool:
        """Wait up to `seconds`; True when the server is stopping (the reply is abandoned)."""
        return self._state.stopping.wait(seconds)


def _handler_for(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            """Keep test output quiet."""

        def do_GET(self) -> None:
            """Answer a read-only call (the models list); a refused key gets 401 first."""
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.record(RecordedRequest(self.path, headers, {}))
            self.close_connection = True
            if not server.accepts(headers):
                self._send_json(401, server.error_body(401))
            else:
                self._send_json(*server.get(self.path.split("?", 1)[0]))

        def do_POST(self) -> None:
            """Answer one API call according to the script; a refused key gets 401 first."""
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            self.close_connection = True
            if not server.accepts(headers):
                server.record(RecordedRequest(self.path, headers, body))
                self._send_json(401, server.error_body(401))
                return
            reply = server.next_reply(RecordedRequest(self.path, headers, body))
            if reply.stall_s and server.wait_stall(reply.stall_s):
                return
            if self.path != server.path:
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            elif reply.status != 200:
                self._send_json(reply.status, server.error_body(reply.status))
            else:
                self._send_stream(server.events(reply.chunks, body), reply)

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        def _send_stream(self, frames: list[bytes], reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            limit = None if reply.cut_after is None else server.lead_frames + reply.cut_after
            for index, frame in enumerate(frames):
                if limit is not None and index >= limit:
                    return  # no terminating chunk: the client sees a broken chunked body
                self.wfile.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

    return Handler


def sse(data: dict[str, Any] | str, event: str | None = None) -> bytes:
    """One Server-Sent Events frame."""
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()
