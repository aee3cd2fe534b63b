"""`TcpProxy`: a loopback TCP forwarder that can be taken down and brought back on the same port.

Point a database URL at the proxy; `down()` cuts every open connection and resets new ones at
once (what clients see when the database restarts), `up()` forwards again, so pooled
connections are dead and new ones work.

    with TcpProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test"

The listening socket stays open while "down": were it closed, another socket of this machine
could take the port before `up()` binds it again. A forwarded socket is closed only after the
threads pumping through it have stopped, so no thread ever writes to a reused descriptor.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType
from typing import Self

JOIN_S = 10.0
"""A bound on waiting for a pump thread; they stop as soon as their sockets are shut down."""


def _reset(sock: socket.socket) -> None:
    """Close with an RST, as a host with nothing listening answers."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := src.recv(65536):
            dst.sendall(data)
    for sock in (src, dst):  # one side ended: end the other direction too
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Link:
    """One forwarded connection: its two sockets and the two threads pumping between them."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.sockets = (client, server)
        self.pumps = [
            threading.Thread(target=_pump, args=pair, daemon=True)
            for pair in ((client, server), (server, client))
        ]
        for pump in self.pumps:
            pump.start()

    def cut(self) -> None:
        """Shut both sockets down, wait for the pumps to stop, then close the sockets."""
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for pump in self.pumps:
            pump.join(JOIN_S)
        for sock in self.sockets:
            sock.close()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to (host, port) while up; resets connections while down."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._forwarding = False
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def up(self) -> None:
        """Forward new connections."""
        with self._lock:
            self._forwarding = True

    def down(self) -> None:
        """Cut every forwarded connection; new ones are reset until `up()`."""
        with self._lock:
            self._forwarding = False
            links, self._links = self._links, []
        for link in links:
            link.cut()

    def close(self) -> None:
        """Cut everything and stop listening."""
        self.down()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._acceptor.join(JOIN_S)
        self._listener.close()

    def __enter__(self) -> Self:
        self.up()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._forward(client)

    def _forward(self, client: socket.socket) -> None:
        with self._lock:
            forwarding = self._forwarding
        if not forwarding:
            _reset(client)
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            _reset(client)
            return
        server.settimeout(None)  # the connect timeout must not cut an idle pooled connection
        link = _Link(client, server)
        with self._lock:
            if self._forwarding:
                self._links.append(link)
                return
        link.cut()  # taken down while connecting
