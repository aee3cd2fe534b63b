"""`FakeSlackApi`: a local Slack Web API over real HTTP, for slack_sdk's `WebClient`.

    with FakeSlackApi() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)  # or slack.client()
        client.chat_postMessage(channel="C111", text="hi", thread_ts="1700000000.000100")
        [call] = slack.wait_for("chat.postMessage")
        assert call.params["text"] == "hi"
        assert slack.messages("C111", thread_ts="1700000000.000100")[-1]["text"] == "hi"

It listens on 127.0.0.1 (ephemeral port), serves `POST /api/<method>` (form, JSON or query
params, `Authorization: Bearer <token>`) and the file-upload URLs it hands out, and records
every call, failed ones included. Answers follow Slack's shapes: the bot is `UBOT`/`BBOT` in
team `T111`; message ts values are unique and increasing from `1700000000.000200`; the DM
with `U123` is `D123`. Unknown methods get `unknown_method`; calls without a token get
`not_authed`. Faults: `fail_next` (HTTP 429 + Retry-After, 5xx, or HTTP 200 `ok: false`),
`delay`, `random_faults` (a seeded share of calls answered 500 or 429), and
`disable_streaming`, which makes chat.*Stream answer `not_allowed_token_type`.
Slack's method reference lists no dedicated "streaming unavailable" error for
chat.startStream; `not_allowed_token_type` is one it does list, so callers should treat any
`ok: false` from startStream as "fall back to post-and-update". Pass another code if needed.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Self

from slack_sdk import WebClient

from .faults import FaultPlan, RandomFaults
from .http_wire import ApiServer, Reply
from .lifecycle import Served
from .slack_messages import TEAM_ID, Json
from .slack_workspace import Workspace

WAIT_S = 30.0
"""How long the fakes' waits allow before failing: a passing wait returns at once, and a busy
2-core CI machine can stretch a few ms of work (or a 1 s Retry-After) past a tighter bound."""


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as received, with what the fake answered."""

    method: str
    params: Json  # query + form + JSON merged; JSON-looking form values are decoded
    headers: dict[str, str]  # Authorization is redacted; see `token`
    token: str | None  # the bearer token (or `token` param) sent, None if none
    status: int
    response: Json
    response_headers: dict[str, str] = field(default_factory=dict)  # e.g. Retry-After
    at: float = field(default_factory=time.monotonic)  # when it was answered (monotonic)


class FakeSlackApi(Served):
    """The fake Web API; start with `with FakeSlackApi() as slack:` or `start()`/`stop()`."""

    def __init__(self, *, random_faults: RandomFaults | None = None) -> None:
        self._cond = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._faults = FaultPlan()
        self.random_faults = random_faults  # seeded random 500/429s (soak runs); None: none
        self._stopping = threading.Event()
        self._server: ApiServer | None = None
        self._thread: threading.Thread | None = None
        self._workspace = Workspace("http://127.0.0.1:0")
        self._scopes: str | None = None

    def start(self) -> Self:
        """Binds 127.0.0.1:0 and serves in a daemon thread."""
        self._server = ApiServer(self)
        self._workspace.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving; wakes up delayed responses so shutdown is quick."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` (started servers only)."""
        if self._server is None:
            raise RuntimeError("FakeSlackApi is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The `base_url` for slack_sdk clients: `<url>/api/` (slack_sdk appends the method)."""
        return self.url + "/api/"

    def client(self, token: str = "xoxb-test", **kwargs: Any) -> WebClient:
        """A real `WebClient` pointed at this fake."""
        return WebClient(token=token, base_url=self.api_url, **kwargs)

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, in arrival order (a snapshot)."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The calls to one method, in arrival order."""
        return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = WAIT_S) -> list[RecordedCall]:
        """Blocks until `count` calls to `method` were answered; AssertionError on timeout."""
        with self._cond:
            done = self._cond.wait_for(lambda: len(self._matching(method)) >= count, timeout)
            if not done:
                seen = [c.method for c in self._calls]
                raise AssertionError(f"expected {count} x {method} within {timeout}s; got {seen}")
            return self._matching(method)

    def _matching(self, method: str) -> list[RecordedCall]:
        return [c for c in self._calls if c.method == method]

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Fails the next `times` calls: 429 (+ Retry-After, default 1), 5xx, or 200 ok:false."""
        with self._cond:
            self._faults.add(method, status, error, retry_after, times)

    def delay(self, method: str, seconds: float) -> None:
        """Answers every later call to `method` after `seconds` (0 turns it off)."""
        with self._cond:
            self._faults.delays[method] = seconds

    def disable_streaming(self, error: str = "not_allowed_token_type") -> None:
        """Makes chat.startStream/appendStream/stopStream answer `ok: false` with `error`."""
        with self._cond:
            self._workspace.store.streaming_error = error

    def refuse_chunks(self, error: str = "invalid_arguments") -> None:
        """A workspace that streams text but takes no chunks: any call with `chunks` or
        `task_display_mode` answers `error` (Slack names no dedicated code for this)."""
        with self._cond:
            self._workspace.store.chunks_refused = error

    def accept_chunks(self) -> None:
        """Undoes `refuse_chunks`."""
        with self._cond:
            self._workspace.store.chunks_refused = None

    def task_updates(self, channel: str, ts: str) -> list[Json]:
        """Every task_update chunk streamed into one message, in the order Slack got them."""
        with self._cond:
            return copy.deepcopy(self._workspace.store.tasks.get((channel, ts), []))

    def tasks(self, channel: str, ts: str) -> dict[str, Json]:
        """Each task's latest state (a later update of an id replaces it), first-seen order."""
        latest: dict[str, Json] = {}
        for update in self.task_updates(channel, ts):
            latest[update["id"]] = update
        return latest

    def enable_streaming(self) -> None:
        """Undoes `disable_streaming`."""
        with self._cond:
            self._workspace.store.streaming_error = None

    def grant_scopes(self, *scopes: str) -> None:
        """Report `scopes` in every answer's `x-oauth-scopes` header, as Slack does for a token."""
        with self._cond:
            self._scopes = ",".join(scopes)

    def attach_socket_mode(self, url: str) -> None:
        """The ws:// URL that apps.connections.open hands out."""
        with self._cond:
            self._workspace.socket_mode_url = url

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Json]:
        """A channel's top-level messages, or one thread (parent first), oldest first."""
        with self._cond:
            return self._workspace.store.messages(channel, thread_ts)

    def seed_message(
        self,
        channel: str,
        text: str,
        user: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Stores a message a person wrote (people do not post through this API); returns ts."""
        with self._cond:
            message: Json = {"type": "message", "user": user, "text": text, "team": TEAM_ID}
            message["ts"] = ts or self._workspace.next_ts()
            if thread_ts:
                message["thread_ts"] = thread_ts
            return str(self._workspace.store.add(channel, message)["ts"])

    def ephemerals(self, channel: str | None = None) -> list[Json]:
        """chat.postEphemeral messages (with `channel` and `to_user`), oldest first."""
        with self._cond:
            found = self._workspace.store.ephemerals
            return copy.deepcopy([m for m in found if channel in (None, m["channel"])])

    def view(self, view_id: str) -> Json:
        """The current state of a view opened, pushed, updated or published (KeyError if none)."""
        with self._cond:
            return copy.deepcopy(self._workspace.views[view_id])

    def home_view(self, user_id: str) -> Json | None:
        """The Home tab last published for a user, if any."""
        with self._cond:
            return copy.deepcopy(self._workspace.home_views.get(user_id))

    def uploaded_files(self) -> dict[str, bytes]:
        """file_id -> bytes received on the upload URLs."""
        with self._cond:
            return dict(self._workspace.uploads)

    def set_user(self, user_id: str, **fields: Any) -> None:
        """Overrides users.info fields for one user (e.g. real_name, tz, profile)."""
        with self._cond:
            self._workspace.users[user_id] = fields

    def set_usergroup(self, group_id: str, *users: str) -> None:
        """Seeds a user group (S...) with its members, for usergroups.users.list."""
        with self._cond:
            self._workspace.store.usergroups[group_id] = list(users)

    def answer(
        self, method: str, params: Json, headers: dict[str, str], token: str | None
    ) -> Reply:
        """Called by the HTTP handler: delay, fault or real answer, then record and notify."""
        with self._cond:
            seconds = self._faults.delays.get(method, 0.0)
        if seconds:
            self._stopping.wait(seconds)  # an Event, so stop() cuts a long delay short
        with self._cond:
            reply = (
                self._faults.take(method)
                or (self.random_faults.take(method) if self.random_faults else None)
                or Reply(200, self._workspace.dispatch(method, params, token))
            )
            if self._scopes is not None:
                reply = Reply(
                    reply.status, reply.body, reply.headers | {"x-oauth-scopes": self._scopes}
                )
            call = RecordedCall(
                method, params, headers, token, reply.status, reply.body, reply.headers
            )
            self._calls.append(call)
            self._cond.notify_all()
        return reply

    def receive_upload(self, file_id: str, data: bytes) -> bool:
        """Called by the HTTP handler for an upload URL; False if the file id is unknown."""
        with self._cond:
            if file_id not in self._workspace.pending_files:
                return False
            self._workspace.uploads[file_id] = data
            self._cond.notify_all()
            return True
