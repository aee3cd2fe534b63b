"""Serve the WSGI app with waitress, in the foreground (`lastmile serve`) or a thread (tests).

The edge (docs/http-server.md): `EdgeServer` (edge.py) evicts idle connections and times out
slow ones, `SheddingDispatcher` (shedding.py) answers 503 when the queue is full; their numbers
are `EdgeLimits` (limits.py).

server = HttpServer(SlackWsgi(app, store), host="127.0.0.1", port=0).start()
... server.url ...
server.stop()

Stopping is the delicate part. waitress's worker threads wake its event loop by writing a byte
to a pipe (the "trigger"). `stop()` stops accepting, lets the workers finish their requests (up
to a deadline), then has the loop close every socket and the pipe. A worker that outlives the
deadline, or one finishing while the loop closes things, would then write to the closed pipe
(EBADF, or a stray byte into whatever file reused the descriptor), so the pipe is replaced by
`_Trigger`, whose pulls after the close do nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, Self

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.trigger import trigger as WaitressTrigger

from handlers.server.edge import EdgeServer
from handlers.server.limits import DEFAULT_LIMITS, EdgeLimits
from handlers.server.shedding import SheddingDispatcher
from handlers.server.wsgi import MAX_BODY_BYTES, StartResponse

THREADS = DEFAULT_LIMITS.threads
"""Each request holds a thread only until Bolt acks (slow work runs on Bolt's own pool)."""
DRAIN_SECONDS = 5.0
"""How long `stop()` waits for requests in progress by default."""

WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _Trigger(WaitressTrigger):  # type: ignore[misc]  # waitress ships no type hints
    """waitress's wake-up pipe, except that a pull after the close does nothing."""

    def __init__(self, socket_map: dict[int, Any]) -> None:
        self._pull_lock = threading.Lock()
        self._dead = False
        super().__init__(socket_map)
        if isinstance(self.trigger, int):  # POSIX pipe: a full pipe already holds a wake-up
            os.set_blocking(self.trigger, False)

    def _physical_pull(self) -> None:
        # The lock makes the check and the write one step against `_close` (another thread).
        with self._pull_lock:
            if self._dead:
                return
            try:
                super()._physical_pull()
            except BlockingIOError:
                pass

    def _close(self) -> None:
        with self._pull_lock:
            self._dead = True
            super()._close()


def _close_sockets(socket_map: dict[int, Any]) -> None:
    """Close every channel, the listening socket and the trigger of one server."""
    for dispatcher in list(socket_map.values()):
        if isinstance(dispatcher, HTTPChannel):
            dispatcher.handle_close()  # also wakes a worker waiting to write to it
        else:
            dispatcher.close()


class HttpServer:
    """A waitress server bound at construction (so `port=0` is resolved at once).

    `limits` sets the edge (docs/http-server.md): connection limits with eviction of the
    longest-quiet idle connection, idle and slow-request timeouts, and load shedding.
    """

    def __init__(
        self,
        wsgi: WsgiApp,
        *,
        host: str = "0.0.0.0",
        port: int = 3000,
        limits: EdgeLimits = DEFAULT_LIMITS,
    ) -> None:
        adj = Adjustments(
            host=host,
            port=port,
            threads=limits.threads,
            # A hard backstop; bodies over MAX_BODY_BYTES get a clean 413 from SlackWsgi.
            max_request_body_size=2 * MAX_BODY_BYTES,
            ident="lastmile",
            clear_untrusted_proxy_headers=True,
            # EdgeServer enforces limits.channel_timeout and connection_limit itself.
            asyncore_use_poll=True,  # select() fails past 1024 descriptors
        )
        if len(adj.listen) != 1:  # one socket per address `host` resolved to
            raise OSError(f"{host} names several addresses; give one IP address")
        dispatcher = SheddingDispatcher(
            threads=limits.threads, shed_after=limits.shed_after, retry_after=limits.retry_after
        )
        socket_map: dict[int, Any] = {}
        try:
            server = EdgeServer(wsgi, limits=limits, map=socket_map, dispatcher=dispatcher, adj=adj)
        except BaseException:
            dispatcher.shutdown(timeout=0)
            _close_sockets(socket_map)
            raise
        stock = server.trigger
        server.trigger = _Trigger(server._map)
        stock.close()
        self._server: Any = server
        self._dispatcher = dispatcher
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._looping = False  # the event loop runs, so it alone may close the sockets
        self._closed = False  # the sockets are closed, or the loop has been asked to

    @property
    def open_connections(self) -> int:
        """Client connections open now."""
        return len(self._server.active_channels)

    @property
    def evictions(self) -> int:
        """Idle connections closed so far to make room for new ones."""
        return int(self._server.evictions)

    @property
    def queue_depth(self) -> int:
        """Requests waiting for a worker thread now."""
        return self._dispatcher.queue_depth()

    @property
    def shed_requests(self) -> int:
        """POSTs answered 503 so far because the queue was full."""
        return self._dispatcher.shed

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """`http://<host>:<port>` as bound."""
        return f"http://{self._server.effective_host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` (at once if it was already called)."""
        with self._lock:
            if self._closed:
                return
            self._looping = True
        try:
            self._server.run()
        finally:
            with self._lock:
                self._looping = False
                self._closed = True
            # After a normal stop there is nothing left; after a crash, clean up here.
            self._server.task_dispatcher.shutdown(timeout=DRAIN_SECONDS)
            _close_sockets(self._server._map)

    def start(self) -> Self:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="lastmile-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = DRAIN_SECONDS) -> None:
        """Stop accepting, let requests in progress finish (up to `timeout` s), close the sockets.

        Thread-safe and idempotent (two signals may each call it); a later call waits again for
        workers that outlived the first one's deadline.
        """
        server = self._server
        server.accepting = False  # the listening socket is no longer polled for accepts
        server.task_dispatcher.shutdown(timeout=timeout)  # workers finish their current request
        with self._lock:
            first, self._closed = not self._closed, True
            looping = self._looping
        if first and looping:
            # Sockets belong to the loop's thread: it closes them, and then `run()` returns.
            server.trigger.pull_trigger(lambda: _close_sockets(server._map))
        elif first:
            _close_sockets(server._map)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
