"""A local OTLP/HTTP trace receiver: what Langfuse, Phoenix or a Collector would receive.

POST /v1/traces with a protobuf `ExportTraceServiceRequest` (gzip or not) is decoded with the
official opentelemetry-proto messages and kept as `ReceivedSpan`s; the reply is an empty
`ExportTraceServiceResponse`. `refuse(status)` answers every request with that status instead.
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from .lifecycle import ThreadedHttp

TRACES_PATH = "/v1/traces"


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as the receiver decoded it (ids as lowercase hex)."""

    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    status_code: int  # 0 unset, 1 ok, 2 error
    status_message: str
    events: list[tuple[str, dict[str, Any]]]
    resource: dict[str, Any]
    headers: dict[str, str] = field(repr=False)


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    return getattr(value, kind) if kind else None


def _attributes(pairs: Any) -> dict[str, Any]:
    return {pair.key: _value(pair.value) for pair in pairs if isinstance(pair, KeyValue)}


class OtlpReceiver(ThreadedHttp):
    """`with OtlpReceiver() as otlp:`; `otlp.endpoint` is its traces URL."""

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Condition()
        self.requests = 0
        self._status = 200

    @property
    def endpoint(self) -> str:
        """`http://127.0.0.1:<port>/v1/traces`."""
        return self.base_url + TRACES_PATH

    def refuse(self, status: int) -> None:
        """Answer every request with `status` (401, 503...) and keep nothing."""
        self._status = status

    @property
    def spans(self) -> list[ReceivedSpan]:
        """Every span received so far."""
        with self._lock:
            return list(self._spans)

    def wait_for(self, count: int, *, name: str = "", timeout: float = 15.0) -> list[ReceivedSpan]:
        """Block until `count` spans (named `name`, or starting with it) arrived; those spans."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [s for s in self._spans if s.name.startswith(name)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    names = [s.name for s in self._spans]
                    raise AssertionError(f"{count} span(s) {name!r} never arrived; got {names}")
                self._lock.wait(left)

    def _receive(self, body: bytes, headers: dict[str, str]) -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        received = []
        for resource_spans in request.resource_spans:
            resource = _attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append(
                        ReceivedSpan(
                            name=span.name,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_span_id=span.parent_span_id.hex(),
                            start_ns=span.start_time_unix_nano,
                            end_ns=span.end_time_unix_nano,
                            attributes=_attributes(span.attributes),
                            status_code=span.status.code,
                            status_message=span.status.message,
                            events=[(e.name, _attributes(e.attributes)) for e in span.events],
                            resource=resource,
                            headers=headers,
                        )  # fmt: skip
                    )
        with self._lock:
            self.requests += 1
            self._spans.extend(received)
            self._lock.notify_all()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """Decode each export request; answer as OTLP/HTTP does."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
                """Keep test output quiet."""

            def do_POST(self) -> None:
                """One export request."""
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                status = receiver._status
                if self.path != TRACES_PATH:
                    status = 404
                if status == 200:
                    receiver._receive(body, {k.lower(): v for k, v in self.headers.items()})
                reply = ExportTraceServiceResponse().SerializeToString() if status == 200 else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        return Handler
