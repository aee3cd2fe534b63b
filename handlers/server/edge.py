"""waitress's server and connection, changed so idle and slow clients can't starve Slack's.

Stock waitress stops accepting at `connection_limit` (100) open connections and closes idle
ones only after `channel_timeout` (120 s), checked every `cleanup_interval` (30 s): about a
hundred silent sockets from anyone (no signature needed) stopped every event, click and probe
for minutes. `EdgeServer` instead

- never stops accepting: past the connection limit, or past one client address's limit, it
  closes the connection that has been quiet longest among those with no request being served
  (so an attacker's idle sockets, opened earlier, go before Slack's fresh ones), and refuses
  the newcomer only when every other connection is busy;
- closes a connection idle for `channel_timeout`, and one whose request has not arrived whole
  `request_timeout` after its first byte (a trickle of bytes does not keep it open), checking
  every second.

Everything here runs on the event loop's thread, which owns the sockets.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from handlers.server.limits import EdgeLimits, usable_connection_limit

log = logging.getLogger(__name__)

CLEANUP_INTERVAL = 1.0
"""Seconds between sweeps for idle and slow connections."""
ACCEPT_BATCH = 64
"""Connections accepted per wake-up: one per loop pass (waitress's way) made a burst of
hundreds of sockets take over a second to get through, each pass polling every socket."""
WARN_EVERY = 60.0
"""At most one warning a minute about making room, however many connections it closes."""


def _address(channel: Any) -> str:
    addr = channel.addr
    return str(addr[0] if isinstance(addr, tuple) else addr)


class EdgeChannel(HTTPChannel):  # type: ignore[misc]  # waitress ships no type hints
    """One client connection that knows when its request began and whether it is idle."""

    request_started = 0.0
    _timed_request: Any = None

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
        super().__init__(server, sock, addr, adj, map)
        server.admit(self)

    def received(self, data: bytes) -> bool:
        """Parse `data` as waitress does, noting when a new request's first byte came."""
        result = bool(super().received(data))
        if self.request is not None and self.request is not self._timed_request:
            self._timed_request = self.request
            self.request_started = time.time()
        return result

    @property
    def idle(self) -> bool:
        """No request being served and nothing left to send: closing it loses no reply."""
        return not self.requests and not self.total_outbufs_len

    @property
    def quiet_since(self) -> float:
        """Its last activity, or when the request still arriving began (a trickle is no news)."""
        return self.request_started if self.request is not None else float(self.last_activity)

    def del_channel(self, map: Any = None) -> None:
        """Unregister, and tell the server once that this connection is gone."""
        tracked = self._fileno in self.server.active_channels
        super().del_channel(map)
        if tracked:
            self.server.release(self)


class EdgeServer(TcpWSGIServer):  # type: ignore[misc]
    """A waitress TCP server that makes room by closing the longest-quiet idle connection."""

    channel_class = EdgeChannel
    next_channel_cleanup = 0.0

    def __init__(self, application: Any, *, limits: EdgeLimits, **kw: Any) -> None:
        self.limits = limits
        self.connection_limit = usable_connection_limit(limits.connection_limit)
        self.evictions = 0
        self.refusals = 0
        self._per_address: Counter[str] = Counter()
        self._warned_at = 0.0
        super().__init__(application, **kw)

    def readable(self) -> bool:
        """Sweep now and then; keep accepting whatever the count (room is made per accept)."""
        now = time.time()
        if now >= self.next_channel_cleanup:
            self.next_channel_cleanup = now + CLEANUP_INTERVAL
            self.maintenance(now)
        return bool(self.accepting)

    def handle_accept(self) -> None:
        """Accept what is waiting (up to ACCEPT_BATCH), each as a channel that makes room."""
        for _ in range(ACCEPT_BATCH):
            try:
                pair = self.accept()  # None when nothing is waiting
            except OSError:
                log.warning("accept() failed", exc_info=self.adj.log_socket_errors)
                return
            if pair is None:
                return
            conn, addr = pair
            try:
                self.set_socket_options(conn)
            except OSError:  # the client already hung up
                conn.close()
                continue
            self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)

    def maintenance(self, now: float) -> None:
        """Close connections idle past channel_timeout or slower than request_timeout."""
        idle_cutoff = now - self.limits.channel_timeout
        slow_cutoff = now - self.limits.request_timeout
        for channel in self.active_channels.values():
            if channel.requests:  # being served: never cut off here
                continue
            stalled = channel.request is not None and channel.request_started < slow_cutoff
            if stalled or channel.last_activity < idle_cutoff:
                channel.will_close = True  # closed by the loop's next write pass

    def admit(self, channel: EdgeChannel) -> None:
        """Count a new connection; make room if it put its address or the server over a limit."""
        address = _address(channel)
        self._per_address[address] += 1
        if self._per_address[address] > self.limits.per_address_limit:
            self._make_room(channel, address)
        if channel.connected and len(self.active_channels) > self.connection_limit:
            self._make_room(channel, None)

    def release(self, channel: EdgeChannel) -> None:
        """Forget a closed connection."""
        address = _address(channel)
        self._per_address[address] -= 1
        if self._per_address[address] <= 0:
            del self._per_address[address]

    def _make_room(self, newcomer: EdgeChannel, address: str | None) -> None:
        idle = [
            channel
            for channel in self.active_channels.values()
            if channel is not newcomer
            and channel.idle
            and (address is None or _address(channel) == address)
        ]
        victim = min(idle, key=lambda channel: channel.quiet_since, default=newcomer)
        if victim is newcomer:
            self.refusals += 1
        else:
            self.evictions += 1
        victim.handle_close()
        now = time.time()
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            scope = f"address {address}" if address else "the server"
            log.warning(
                "connection limit of %s reached: %d idle connection(s) closed, %d refused so far",
                scope,
                self.evictions,
                self.refusals,
            )
