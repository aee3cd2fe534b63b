"""Serve the WSGI app with waitress, in the foreground (`lastmile serve`) or a thread (tests).

server = HttpServer(SlackWsgi(app, store), host="127.0.0.1", port=0).start()
... server.url ...
server.stop()
"""

from __future__ import annotations

import threading
from typing import Any, Self

from waitress.server import create_server

from handlers.server.wsgi import MAX_BODY_BYTES, SlackWsgi

THREADS = 8
"""Each request holds a thread only until Bolt acks (slow work runs on Bolt's own pool)."""


class HttpServer:
    """A waitress server bound at construction (so `port=0` is resolved at once)."""

    def __init__(self, wsgi: SlackWsgi, *, host: str = "0.0.0.0", port: int = 3000) -> None:
        self._server: Any = create_server(
            wsgi,
            host=host,
            port=port,
            threads=THREADS,
            # A hard backstop; bodies over MAX_BODY_BYTES get a clean 413 from SlackWsgi.
            max_request_body_size=2 * MAX_BODY_BYTES,
            ident="lastmile",
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """`http://<host>:<port>` as bound."""
        return f"http://{self._server.effective_host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()`."""
        try:
            self._server.run()
        finally:
            self._server.task_dispatcher.shutdown()
            self._stopped.set()

    def start(self) -> Self:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="lastmile-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, let in-flight requests finish, then end the loop; thread-safe."""
        server = self._server
        server.accepting = False  # the listening socket is no longer polled for accepts
        server.task_dispatcher.shutdown(timeout=timeout)  # workers finish their current request
        socket_map = server._map

        def close_all() -> None:
            # Runs inside the event loop: an empty map makes `run()` return.
            for channel in list(socket_map.values()):
                channel.close()

        server.trigger.pull_trigger(close_all)
        if self._thread is not None:
            self._thread.join(timeout)
