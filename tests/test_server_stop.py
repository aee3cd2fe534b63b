"""Stopping `lastmile serve`'s HTTP server while requests are in flight, over real loopback sockets.

waitress's workers wake its event loop by writing to a pipe; a stop that closes the pipe under a
worker still finishing a request made that write fail (EBADF / EPIPE, or land in whatever file
reused the descriptor). These tests stop the server mid-traffic, twice, and before it ever ran.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
from collections.abc import Iterable
from typing import Any

import pytest

from handlers.server import HttpServer
from handlers.server.wsgi import StartResponse

BODY = b"x" * 40_000
"""Over waitress's send_bytes (18,000): workers flush mid-request and wake the loop to finish."""
CLIENTS = 6
ROUNDS = 25
IN_FLIGHT = 12
"""Requests the app must have started before a round stops the server."""


class Traffic:
    """A WSGI app returning BODY, and loopback clients that GET it until the server goes away."""

    def __init__(self) -> None:
        self.started = 0
        self.busy = threading.Event()
        self.replies: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Count the request, then answer BODY."""
        with self._lock:
            self.started += 1
            if self.started >= IN_FLIGHT:
                self.busy.set()
        start_response("200 OK", [("Content-Length", str(len(BODY)))])
        return [BODY]

    def client(self, port: int) -> None:
        """GET until a request fails (the server stopped); keep each complete reply."""
        for _ in range(500):  # a bound, in case the server never stops
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/")
                reply = conn.getresponse()
                body = reply.read()
            except (OSError, http.client.HTTPException):
                return
            finally:
                conn.close()
            with self._lock:
                self.replies.append((reply.status, len(body)))


def refuses_connections(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:`port` any more."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def stop_mid_traffic() -> Traffic:
    """One round: serve, start the clients, stop without waiting once requests are in flight."""
    traffic = Traffic()
    server = HttpServer(traffic, host="127.0.0.1", port=0).start()
    clients = [threading.Thread(target=traffic.client, args=(server.port,)) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    assert traffic.busy.wait(20), "the clients never got going"
    server.stop(timeout=0)  # close the sockets while workers are still writing replies
    server.stop(timeout=20)  # returns once those workers have finished
    for client in clients:
        client.join(20)
    assert not any(client.is_alive() for client in clients)
    assert refuses_connections(server.port)
    return traffic


def test_stop_while_replies_are_being_written_is_clean(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="waitress")
    replies = []
    for _ in range(ROUNDS):
        replies += stop_mid_traffic().replies
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert replies and set(replies) == {(200, len(BODY))}  # cut replies fail, never look whole


def test_two_stops_at_once_are_safe(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="waitress")
    server = HttpServer(Traffic(), host="127.0.0.1", port=0).start()
    failures: list[BaseException] = []

    def stop() -> None:
        try:
            server.stop()
        except BaseException as error:  # reported below rather than lost in the thread
            failures.append(error)

    stoppers = [threading.Thread(target=stop) for _ in range(2)]  # SIGTERM then Ctrl-C
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join(20)
    server.stop()
    assert failures == []
    assert refuses_connections(server.port)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_stop_before_serving_closes_the_socket() -> None:
    server = HttpServer(Traffic(), host="127.0.0.1", port=0)
    server.stop()
    assert refuses_connections(server.port)
    server.serve_forever()  # returns at once: the server was stopped
