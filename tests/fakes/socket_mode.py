"""`FakeSocketModeServer`: Slack's Socket Mode WebSocket endpoint, on 127.0.0.1.

    with FakeSlackApi() as slack, FakeSocketModeServer(slack) as sm:
        handler = SocketModeHandler(app, app_token="xapp-test")  # app.client -> slack.api_url
        handler.connect()                  # calls apps.connections.open, gets sm.url
        envelope_id = sm.push_event(payloads.app_mention("<@UBOT> hi"))
        ack = sm.wait_for_ack(envelope_id)  # {"envelope_id": ..., maybe "payload": ...}
        sm.close_client(handler)           # handler.close(), minus slack_sdk's ~4 s of waits

Protocol (as python-slack-sdk's own mock server and SOURCE.md): on connect the server sends
`{"type": "hello", ...}`; it then pushes envelopes `{"envelope_id", "payload", "type":
"events_api" | "interactive" | "slash_commands", "accepts_response_payload", ...}` and the
client answers each with `{"envelope_id": ..., "payload"?: ...}`. Envelopes go to the most
recent open connection. Envelope ids are deterministic UUIDs (00000000-...-000000000001).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping
from typing import Any, Self

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from .lifecycle import Served
from .slack_api import WAIT_S, FakeSlackApi
from .slack_messages import APP_ID, Json

HELLO: Json = {
    "type": "hello",
    "num_connections": 1,
    "debug_info": {
        "host": "applink-fake",
        "build_number": 10,
        "approximate_connection_time": 18060,
    },
    "connection_info": {"app_id": APP_ID},
}
RESPONDS_INLINE = ("view_submission", "block_suggestion")


class FakeSocketModeServer(Served):
    """Local Socket Mode server; pass a `FakeSlackApi` to have apps.connections.open point here."""

    def __init__(self, api: FakeSlackApi | None = None) -> None:
        self._api = api
        self._cond = threading.Condition()
        self._open: list[ServerConnection] = []
        self._acks: dict[str, Json] = {}
        self._received: list[Json] = []
        self._accepted = 0
        self._next_id = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Listens on 127.0.0.1:0 in a daemon thread and attaches to the fake API, if any."""
        self._server = serve(self._serve, "127.0.0.1", 0, compression=None, close_timeout=1)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        if self._api is not None:
            self._api.attach_socket_mode(self.url)
        return self

    def stop(self) -> None:
        """Closes every connection and the listening socket."""
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """The ws:// URL apps.connections.open hands out."""
        if self._server is None:
            raise RuntimeError("FakeSocketModeServer is not started")
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=fake-ticket&app_id={APP_ID}"

    @property
    def connections_accepted(self) -> int:
        """How many clients connected (and got hello) so far; grows on reconnects."""
        with self._cond:
            return self._accepted

    @property
    def received(self) -> list[Json]:
        """Every JSON message clients sent, acks included, in order."""
        with self._cond:
            return list(self._received)

    def _serve(self, conn: ServerConnection) -> None:
        conn.send(json.dumps(HELLO))
        with self._cond:
            self._open.append(conn)
            self._accepted += 1
            self._cond.notify_all()
        try:
            for raw in conn:
                self._record(json.loads(raw))
        except ConnectionClosed:
            pass  # the client went away mid-frame; it reconnects through apps.connections.open
        finally:
            with self._cond:
                self._open.remove(conn)

    def _record(self, message: Json) -> None:
        with self._cond:
            self._received.append(message)
            if "envelope_id" in message:
                self._acks[str(message["envelope_id"])] = message
            self._cond.notify_all()

    def wait_for_connection(self, count: int = 1, timeout: float = WAIT_S) -> None:
        """Blocks until `count` connections were accepted; AssertionError on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._accepted >= count and self._open, timeout):
                raise AssertionError(f"no Socket Mode connection #{count} within {timeout}s")

    def push(self, envelope: Mapping[str, Any], timeout: float = WAIT_S) -> str:
        """Sends a whole envelope to the newest connection (waiting for one); returns its id."""
        self.wait_for_connection(timeout=timeout)
        with self._cond:
            conn = self._open[-1]
        conn.send(json.dumps(envelope))
        return str(envelope["envelope_id"])

    def _envelope_id(self, given: str | None) -> str:
        with self._cond:
            self._next_id += 1
            return given or str(uuid.UUID(int=self._next_id))

    def push_event(
        self,
        payload: Mapping[str, Any],
        envelope_id: str | None = None,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """An `events_api` envelope around an Events API body (e.g. payloads.app_mention)."""
        envelope: Json = {"envelope_id": self._envelope_id(envelope_id), "payload": dict(payload)}
        envelope.update({"type": "events_api", "accepts_response_payload": False})
        envelope.update({"retry_attempt": retry_attempt, "retry_reason": retry_reason})
        return self.push(envelope)

    def push_interactive(self, payload: Mapping[str, Any], envelope_id: str | None = None) -> str:
        """An `interactive` envelope; view submissions may answer with a response payload."""
        envelope: Json = {"envelope_id": self._envelope_id(envelope_id), "payload": dict(payload)}
        inline = payload.get("type") in RESPONDS_INLINE
        envelope.update({"type": "interactive", "accepts_response_payload": inline})
        return self.push(envelope)

    def push_command(self, fields: Mapping[str, str], envelope_id: str | None = None) -> str:
        """A `slash_commands` envelope; over Socket Mode the fields arrive as a JSON object."""
        envelope: Json = {"envelope_id": self._envelope_id(envelope_id), "payload": dict(fields)}
        envelope.update({"type": "slash_commands", "accepts_response_payload": True})
        return self.push(envelope)

    def wait_for_ack(self, envelope_id: str, timeout: float = WAIT_S) -> Json:
        """The client's ack for one envelope; AssertionError on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(f"no ack for envelope {envelope_id} within {timeout}s")
            return dict(self._acks[envelope_id])

    def close_connections(self) -> None:
        """Drops every open connection, as Slack does on refresh; clients should reconnect."""
        with self._cond:
            conns = list(self._open)
        for conn in conns:
            conn.close()

    def close_client(self, handler: Any, timeout: float = WAIT_S) -> None:
        """Closes a Bolt `SocketModeHandler` (or slack_sdk client) in ~0.1 s instead of ~4 s.

        slack_sdk's built-in client closes only after its blocking recv (3 s socket timeout)
        and its queue poll (1 s) return; pinging the connections and queueing a no-op
        message meanwhile makes both return at once.
        """
        client = getattr(handler, "client", handler)
        done = threading.Event()

        def run() -> None:
            try:
                handler.close()
            finally:
                done.set()

        threading.Thread(target=run, daemon=True).start()
        for _ in range(int(timeout / 0.02)):
            if done.wait(0.02):
                return
            self._wake(client)

    def _wake(self, client: Any) -> None:
        with self._cond:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.ping()
            except ConnectionClosed:
                pass  # already gone: nothing left to wake up
        queue = getattr(client, "message_queue", None)
        if queue is not None:
            queue.put(None)  # the processor skips None, then sees `closed` and stops
