"""A Slack-like sender: signed deliveries through the balancer, retried as Slack retries events.

An Events API delivery that gets no 2xx within `ack_timeout_s` (or a 5xx, or no connection) is
sent again, the same body, with X-Slack-Retry-Num 1..3 and X-Slack-Retry-Reason
(`http_timeout`, `http_error`, `connection_failed`), after `retry_delays_s` (Slack waits about
0 s, 1 min and 5 min; the soak scales that down). Interactivity (clicks) is never retried.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.fakes.signing import FORM_TYPE, JSON_TYPE, USER_AGENT, sign

from .replicas import Balancer


@dataclass
class Attempt:
    """One HTTP request of a delivery and what came back (status None: no HTTP answer)."""

    retry_num: int
    sent_at: float
    latency_s: float
    status: int | None
    reason: str  # "" when acked 2xx; else http_timeout / http_error / connection_failed
    replica: int | None


@dataclass
class Delivery:
    """One thing Slack delivers: an event (retried) or a click (not), and its attempts."""

    key: str  # the event_id, or `click:<n>` for interactivity
    kind: str  # question / reaction / click
    body: bytes
    content_type: str
    retried: bool
    meta: dict[str, Any] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acked(self) -> bool:
        """True when at least one attempt got a 2xx in time."""
        return any(a.reason == "" for a in self.attempts)

    @property
    def first_sent(self) -> float:
        """When the first attempt went out (monotonic)."""
        return self.attempts[0].sent_at if self.attempts else 0.0


def event_delivery(key: str, kind: str, obj: dict[str, Any], meta: dict[str, Any]) -> Delivery:
    """An Events API delivery (JSON body), retried by the sender."""
    return Delivery(key, kind, json.dumps(obj).encode(), JSON_TYPE, True, meta)


def click_delivery(key: str, payload: dict[str, Any], meta: dict[str, Any]) -> Delivery:
    """An interactivity delivery (`payload=` form body), never retried."""
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return Delivery(key, "click", body, FORM_TYPE, False, meta)


class SlackLikeSender:
    """Sends deliveries on a thread pool; schedules retries; knows when nothing is left."""

    def __init__(
        self,
        balancer: Balancer,
        secret: str,
        *,
        retry_delays_s: tuple[float, ...],
        ack_timeout_s: float,
        workers: int,
    ) -> None:
        self.balancer = balancer
        self.secret = secret
        self.retry_delays_s = retry_delays_s
        self.ack_timeout_s = ack_timeout_s
        self.deliveries: list[Delivery] = []
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-send")
        self._heap: list[tuple[float, int, Delivery, int]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = 0  # submitted or scheduled, not yet settled
        self._closing = False
        self._timer = threading.Thread(target=self._run_timer, daemon=True)
        self._timer.start()

    def send(self, delivery: Delivery) -> None:
        """Send now (open loop: never waits for the answer)."""
        with self._cond:
            self.deliveries.append(delivery)
            self._busy += 1
        self._pool.submit(self._attempt, delivery, 0)

    @property
    def idle(self) -> bool:
        """True when no delivery is in flight or waiting for a retry."""
        with self._cond:
            return self._busy == 0

    def close(self) -> None:
        """Stop the retry timer and the pool (pending retries are dropped)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _attempt(self, delivery: Delivery, retry_num: int) -> None:
        attempt = self._post(delivery, retry_num)
        delivery.attempts.append(attempt)
        again = delivery.retried and attempt.reason and retry_num < len(self.retry_delays_s)
        with self._cond:
            if again:
                due = time.monotonic() + self.retry_delays_s[retry_num]
                heapq.heappush(self._heap, (due, next(self._seq), delivery, retry_num + 1))
                self._cond.notify_all()
            else:
                self._busy -= 1

    def _post(self, delivery: Delivery, retry_num: int) -> Attempt:
        headers = {"Content-Type": delivery.content_type, "User-Agent": USER_AGENT}
        headers["Accept"] = "application/json,*/*"
        headers |= sign(delivery.body, self.secret, int(time.time()))
        if retry_num:
            previous = delivery.attempts[-1].reason
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = previous
        start = time.monotonic()
        try:
            reply, replica = self.balancer.post(delivery.body, headers, self.ack_timeout_s)
        except (TimeoutError, http.client.HTTPException, OSError) as error:
            timed_out = isinstance(error, TimeoutError)
            refused = isinstance(error, ConnectionRefusedError)
            reason = (
                "http_timeout" if timed_out else "connection_failed" if refused else "http_error"
            )
            latency = time.monotonic() - start
            return Attempt(retry_num, start, latency, None, reason, None)
        latency = time.monotonic() - start
        if latency > self.ack_timeout_s:
            return Attempt(retry_num, start, latency, reply.status, "http_timeout", replica)
        reason = "" if 200 <= reply.status < 300 else "http_error"
        return Attempt(retry_num, start, latency, reply.status, reason, replica)

    def _run_timer(self) -> None:
        while True:
            with self._cond:
                while not self._closing and not self._due():
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._closing:
                    return
                _, _, delivery, retry_num = heapq.heappop(self._heap)
            try:
                self._pool.submit(self._attempt, delivery, retry_num)
            except RuntimeError:  # closed meanwhile
                return

    def _due(self) -> bool:
        return bool(self._heap) and self._heap[0][0] <= time.monotonic()


def _failure_reason(error: Exception) -> str:
    """Slack's X-Slack-Retry-Reason for a request that got no HTTP answer."""
    if isinstance(error, TimeoutError):
        return "http_timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection_failed"
    return "http_error"
