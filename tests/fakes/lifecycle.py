"""The `with Fake() as fake:` lifecycle the fake servers share: start on entry, stop on exit."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


class Served(ABC):
    """A fake server that `start()`s in a background thread and `stop()`s cleanly."""

    @abstractmethod
    def start(self) -> Self:
        """Start serving; returns self so `Fake().start()` reads as one step."""

    @abstractmethod
    def stop(self) -> None:
        """Stop serving and release the port."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class ThreadedHttp(Served):
    """A `ThreadingHTTPServer` on a free loopback port, served from a background thread."""

    def __init__(self) -> None:
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @abstractmethod
    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class (usually closing over `self`)."""

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Listen on a free port in a background thread."""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
