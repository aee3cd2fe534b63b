"""The HTTP edge of `lastmile serve` under hostile clients, over real loopback sockets.

Idle and slow connections must not starve Slack's requests, a full queue must shed POSTs with
503 at once, and a hostile body must get a 4xx (401 unsigned, 400 signed), never a 500 or a
traceback. Numbers quoted in docs/http-server.md come from these tests.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot.runtime import Runtime
from handlers.server import EVENTS_PATH, EdgeLimits, HttpServer, http_server
from tests.fakes import payloads
from tests.fakes.signing import SlackSender
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
