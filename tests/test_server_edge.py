"""The HTTP edge of `lastmile serve` under hostile clients, over real loopback sockets.

Idle and slow connections must not starve Slack's requests, a full queue must shed POSTs with
503 at once, and a hostile body must get a 4xx (401 unsigned, 400 signed), never a 500 or a
traceback. Numbers quoted in docs/http-server.md come from these tests.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot.runtime import Runtime
from handlers.server import EVENTS_PATH, EdgeLimits, HttpServer, http_server
from handlers.server.wsgi import StartResponse
from tests.fakes import payloads
from tests.fakes.signing import FORM_TYPE, JSON_TYPE, SlackSender, sign
from tests.fakes.transport import SECRET, Probe, http_get

IDLE = 200
SLOW = 20
FAST_ENOUGH = 2.0
"""Seconds within which /healthz and a signed event must answer with the hostile sockets open."""


@contextmanager
def edge(runtime: Runtime, limits: EdgeLimits) -> Iterator[tuple[HttpServer, SlackSender, Probe]]:
    """The real app behind `http_server` with these limits, and a sender signing with SECRET."""
    from handlers.app import build_app

    app = build_app(runtime)
    probe = Probe(runtime)
    app.use(probe)
    server = http_server(runtime, app, host="127.0.0.1", port=0, limits=limits).start()
    try:
        yield server, SlackSender(server.url + EVENTS_PATH, SECRET), probe
    finally:
        server.stop()
        app.listener_runner.listener_executor.shutdown(wait=True)


@contextmanager
def hostile_sockets(port: int, idle: int, slow: int = 0) -> Iterator[list[socket.socket]]:
    """`idle` silent connections, then `slow` that sent half a request line; closed after."""
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(idle + slow)]
    for sock in socks[idle:]:
        sock.sendall(b"POST /slack/ev")
    try:
        yield socks
    finally:
        for sock in socks:
            sock.close()


def closed_by_server(sock: socket.socket, wait: float = 0.0) -> bool:
    """True when the server has closed this connection (within `wait` seconds)."""
    readable, _, _ = select.select([sock], [], [], wait)
    if not readable:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    """The action's result and how many seconds it took."""
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def test_idle_and_slow_connections_do_not_starve_slack(runtime: Runtime) -> None:
    with edge(runtime, EdgeLimits()) as (server, sender, probe):
        with hostile_sockets(server.port, IDLE, SLOW) as socks:
            health, health_seconds = timed(lambda: http_get(server.url + "/healthz"))
            mention = payloads.app_mention("<@UBOT> hi")
            reply, event_seconds = timed(lambda: sender.send_event(mention))
            held = server.open_connections
            still_open = sum(not closed_by_server(sock) for sock in socks)
    assert health[0] == 200 and health_seconds < FAST_ENOUGH
    assert reply.status == 200 and event_seconds < FAST_ENOUGH
    assert probe.seen == [mention["event_id"]]
    assert held >= IDLE + SLOW  # the hostile sockets were accepted and held, not left queued
    assert still_open == IDLE + SLOW  # under the limit nothing needed evicting


@pytest.mark.parametrize(
    "limits",
    [EdgeLimits(connection_limit=50), EdgeLimits(per_address_limit=50)],
    ids=["connection-limit", "per-address-limit"],
)
def test_past_a_limit_the_oldest_idle_connections_make_room(
    runtime: Runtime, limits: EdgeLimits
) -> None:
    with edge(runtime, limits) as (server, sender, probe):
        with hostile_sockets(server.port, IDLE) as socks:
            health, health_seconds = timed(lambda: http_get(server.url + "/healthz"))
            reply, event_seconds = timed(lambda: sender.send_event(payloads.app_mention("hi")))
            oldest_closed = [closed_by_server(sock, wait=2) for sock in socks[:100]]
            newest_open = [not closed_by_server(sock) for sock in socks[-40:]]
            assert server.open_connections <= 50
            assert server.evictions >= IDLE - 50
    assert health[0] == 200 and health_seconds < FAST_ENOUGH
    assert reply.status == 200 and event_seconds < FAST_ENOUGH
    assert len(probe.seen) == 1
    assert all(oldest_closed) and all(newest_open)


def test_idle_and_trickling_connections_time_out(runtime: Runtime) -> None:
    limits = EdgeLimits(channel_timeout=1.0, request_timeout=1.0)
    with edge(runtime, limits) as (server, _sender, _probe):
        with hostile_sockets(server.port, idle=1, slow=1) as (idle, trickler):
            started = time.monotonic()
            trickled = 0
            # One byte every 0.2 s keeps the connection active, but its request never ends.
            while not closed_by_server(trickler, wait=0.2) and time.monotonic() - started < 10:
                trickler.send(b"x")
                trickled += 1
            trickle_seconds = time.monotonic() - started
            assert closed_by_server(idle, wait=5)
    assert trickled >= 3  # it really was active past request_timeout
    assert trickle_seconds < 1.0 + 2.0  # request_timeout plus the one-second sweep, with slack


class SlowApp:
    """A WSGI app whose POSTs hold their worker thread until `release` is set."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """/healthz at once; anything else after `release`."""
        if environ["PATH_INFO"] != "/healthz":
            self.entered.release()
            self.release.wait(30)
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]


def post(port: int, results: list[tuple[int, str | None]] | None = None) -> tuple[int, str | None]:
    """POST to the app; (status, Retry-After), also appended to `results`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", EVENTS_PATH, body=b"{}", headers={"Content-Type": JSON_TYPE})
        reply = conn.getresponse()
        reply.read()
        outcome = (reply.status, reply.getheader("Retry-After"))
    finally:
        conn.close()
    if results is not None:
        results.append(outcome)
    return outcome


def eventually(condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll `condition` (state another thread changes) until it holds or time runs out."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_full_queue_sheds_posts_with_503_and_healthz_still_answers() -> None:
    app = SlowApp()
    server = HttpServer(app, host="127.0.0.1", port=0, limits=EdgeLimits(threads=2, shed_after=3))
    server.start()
    held: list[tuple[int, str | None]] = []
    clients = [threading.Thread(target=post, args=(server.port, held)) for _ in range(5)]
    try:
        for client in clients[:2]:
            client.start()
        assert app.entered.acquire(timeout=10) and app.entered.acquire(timeout=10)
        for client in clients[2:]:
            client.start()
        assert eventually(lambda: server.queue_depth == 3), "the queue never filled"
        shed, shed_seconds = timed(lambda: post(server.port))
        health, health_seconds = timed(lambda: http_get(server.url + "/healthz"))
        depth_after = server.queue_depth
    finally:
        app.release.set()
        for client in clients:
            client.join(30)
        server.stop()
    assert shed == (503, "1") and shed_seconds < 0.5
    assert health == (200, "ok") and health_seconds < 0.5
    assert depth_after == 3 and server.shed_requests == 1
    assert held == [(200, None)] * 5  # everything queued before the limit was served


def test_eviction_never_cuts_a_request_being_served() -> None:
    app = SlowApp()
    server = HttpServer(app, host="127.0.0.1", port=0, limits=EdgeLimits(connection_limit=10))
    server.start()
    results: list[tuple[int, str | None]] = []
    busy = threading.Thread(target=post, args=(server.port, results))
    try:
        busy.start()  # the oldest connection of all, and busy
        assert app.entered.acquire(timeout=10)
        with hostile_sockets(server.port, idle=30):
            assert http_get(server.url + "/healthz") == (200, "ok")
            evictions = server.evictions
        app.release.set()
        busy.join(30)
    finally:
        app.release.set()
        server.stop()
    assert evictions >= 20
    assert results == [(200, None)]


def _form(payload: str) -> bytes:
    return b"payload=" + payload.encode()


_HOSTILE: list[tuple[str, bytes, str]] = [
    ("json-array", b"[]", JSON_TYPE),
    ("json-number", b"5", JSON_TYPE),
    ("json-null", b"null", JSON_TYPE),
    ("json-string", b'"event_callback"', JSON_TYPE),
    ("json-no-type", b'{"event": {"type": "app_mention"}}', JSON_TYPE),
    ("json-type-number", b'{"type": 5}', JSON_TYPE),
    ("event-not-object", b'{"type": "event_callback", "event": 5}', JSON_TYPE),
    ("authorizations-number", b'{"type": "event_callback", "authorizations": 5}', JSON_TYPE),
    ("team-number", b'{"type": "event_callback", "team": 5}', JSON_TYPE),
    ("event-type-number", b'{"type": "event_callback", "event": {"type": 5}}', JSON_TYPE),
    ("broken-json", b'{"type": "event_callback", "event": ', JSON_TYPE),
    ("not-utf8", b'{"type": "\xff\xfe"}', JSON_TYPE),
    ("json-as-form", b'{"event": {"type": "app_mention"}}', FORM_TYPE),
    ("payload-array", _form("%5B1%2C2%5D"), FORM_TYPE),
    ("payload-number", _form("5"), FORM_TYPE),
    ("payload-null", _form("null"), FORM_TYPE),
    ("payload-empty", _form(""), FORM_TYPE),
    ("payload-broken", _form("%7Bbad"), FORM_TYPE),
    ("payload-no-type", _form("%7B%22actions%22%3A%20%5B%5D%7D"), FORM_TYPE),
    (
        "container-number",
        _form("%7B%22type%22%3A%22block_actions%22%2C%22container%22%3A5%7D"),
        FORM_TYPE,
    ),
    (
        "actions-number",
        _form("%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A5%7D"),
        FORM_TYPE,
    ),
    ("form-no-command", b"text=hello&user_id=U1", FORM_TYPE),
    ("empty", b"", JSON_TYPE),
]
HOSTILE_BODIES = [pytest.param(body, kind, id=name) for name, body, kind in _HOSTILE]


def _assert_4xx_quietly(status: int, logged: str, stderr: str) -> None:
    assert 400 <= status <= 499
    assert "Traceback" not in logged and "Traceback" not in stderr


@pytest.mark.parametrize(("body", "content_type"), HOSTILE_BODIES)
def test_signed_hostile_body_gets_4xx_and_no_traceback(
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    body: bytes,
    content_type: str,
) -> None:
    caplog.set_level("DEBUG")
    with edge(runtime, EdgeLimits()) as (_server, sender, probe):
        reply = sender.send_raw(
            body, {"Content-Type": content_type} | sign(body, SECRET, int(time.time()))
        )
    _assert_4xx_quietly(reply.status, caplog.text, capfd.readouterr().err)
    assert reply.status == 400 and json.loads(reply.body)["error"].startswith("malformed body")
    assert probe.seen == []


@pytest.mark.parametrize(("body", "content_type"), HOSTILE_BODIES)
def test_unsigned_hostile_body_is_refused_before_parsing(
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    body: bytes,
    content_type: str,
) -> None:
    caplog.set_level("DEBUG")
    forged = sign(body, "not-the-secret", int(time.time()))
    with edge(runtime, EdgeLimits()) as (_server, sender, _probe):
        unsigned = sender.send_raw(body, {"Content-Type": content_type})
        wrong = sender.send_raw(body, {"Content-Type": content_type} | forged)
    _assert_4xx_quietly(unsigned.status, caplog.text, capfd.readouterr().err)
    assert (unsigned.status, json.loads(unsigned.body)) == (401, {"error": "missing signature"})
    assert (wrong.status, json.loads(wrong.body)) == (401, {"error": "invalid signature"})


def test_a_signature_over_other_bytes_is_refused(runtime: Runtime) -> None:
    signed = json.dumps(payloads.app_mention("<@UBOT> hi")).encode()
    tampered = signed.replace(b"hi", b"yo")
    headers = {"Content-Type": JSON_TYPE} | sign(signed, SECRET, int(time.time()))
    with edge(runtime, EdgeLimits()) as (_server, sender, probe):
        reply = sender.send_raw(tampered, headers)
        future = sender.send_raw(signed, headers | sign(signed, SECRET, int(time.time()) + 600))
    assert (reply.status, future.status) == (401, 401)
    assert json.loads(future.body) == {"error": "stale request"}
    assert probe.seen == []


def test_a_malformed_body_is_never_logged(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    body = b'{"type": "event_callback", "event": "my-salary-is-12345", "token": "xoxb-leak"}'
    with edge(runtime, EdgeLimits()) as (_server, sender, _probe):
        reply = sender.send_raw(
            body, {"Content-Type": JSON_TYPE} | sign(body, SECRET, int(time.time()))
        )
    assert reply.status == 400
    assert "my-salary" not in caplog.text and "xoxb-leak" not in caplog.text
