"""Transport test kit: the real app from `build_app`, served by `lastmile serve`'s server code.

    with FakeSlackApi() as slack:
        runtime = transport_runtime(database_url, clock, slack.api_url)
        with serving(runtime) as served:
            served.sender.send_event(payloads.app_mention("<@UBOT> hi"))
            assert served.probe.seen == [...]

`Probe` is a tiny test listener, written as a global middleware registered after ours: it sees
every delivery that reaches the listeners, runs its work through `run_once` (the contract slow
listeners follow), and answers 200 itself, so the product's own listeners stay out of
transport tests.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from handlers.middleware import event_id_of, run_once

from .signing import SlackSender

SECRET = "transport-signing-secret"


def transport_settings(database_url: str, slack_api_url: str) -> Settings:
    """Settings for a bot on `database_url` talking to a fake Slack at `slack_api_url`."""
    return Settings(
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_signing_secret=SECRET,
        slack_api_url=slack_api_url,
        database_url=database_url,
    )


def transport_runtime(
    database_url: str, clock: Callable[[], datetime], slack_api_url: str
) -> Runtime:
    """`build_runtime` as the commands call it: connects and upgrades the database."""
    return build_runtime(transport_settings(database_url, slack_api_url), clock=clock)


class Probe(Middleware):
    """Counts events that reach the listeners; does its work once per event via `run_once`."""

    def __init__(self, runtime: Runtime, *, fail_times: int = 0) -> None:
        self.runtime = runtime
        self.fail_times = fail_times
        self.seen: list[str] = []
        self.done: list[str] = []
        self._lock = threading.Lock()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Record and answer event_callback requests; pass anything else on."""
        if req.body.get("type") != "event_callback":
            next()
            return resp
        event_id = event_id_of(req.body)
        with self._lock:
            self.seen.append(event_id)
        run_once(self.runtime, event_id, lambda: self._work(event_id))
        return BoltResponse(status=200, body="")

    def _work(self, event_id: str) -> None:
        with self._lock:
            if self.fail_times > 0:
                self.fail_times -= 1
                raise RuntimeError("probe failure on purpose")
            self.done.append(event_id)


class AckOnly(Probe):
    """Acknowledges events without taking them: a process killed right after the ack."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """200 for event_callback, without `run_once`."""
        if req.body.get("type") != "event_callback":
            next()
            return resp
        self.seen.append(event_id_of(req.body))
        return BoltResponse(status=200, body="")


def http_get(url: str) -> tuple[int, str]:
    """GET `url`: status and body text."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", parts.path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


@dataclass
class Served:
    """A running server and what tests drive and inspect."""

    app: App
    url: str
    sender: SlackSender
    probe: Probe


@contextmanager
def serving(runtime: Runtime, *, probe: Probe | None = None) -> Iterator[Served]:
    """`build_app(runtime)` + a `Probe`, served by handlers.server on 127.0.0.1."""
    from handlers.app import build_app
    from handlers.server import EVENTS_PATH, http_server

    app = build_app(runtime)
    probe = probe or Probe(runtime)
    app.use(probe)
    server = http_server(runtime, app, host="127.0.0.1", port=0).start()
    try:
        yield Served(app, server.url, SlackSender(server.url + EVENTS_PATH, SECRET), probe)
    finally:
        server.stop()
        app.listener_runner.listener_executor.shutdown(wait=True)
