"""The edge's numbers: how many connections, for how long, and when to shed load.

One frozen `EdgeLimits` goes into `HttpServer`; docs/http-server.md explains each number.
"""

from __future__ import annotations

import logging
import resource
from dataclasses import dataclass

log = logging.getLogger(__name__)

FD_HEADROOM = 64
"""Descriptors kept free for the database pool, the wake-up pipe, log files and the like."""


@dataclass(frozen=True)
class EdgeLimits:
    """Connection and queue limits of `lastmile serve`'s HTTP server."""

    threads: int = 8
    """Worker threads. Each request holds one only until Bolt acks (slow work runs elsewhere)."""
    connection_limit: int = 1000
    """Open connections. Past it the oldest idle one is closed to make room, never the new one."""
    per_address_limit: int = 250
    """Open connections from one client address (past it: that address's oldest idle goes)."""
    channel_timeout: float = 12.0
    """Seconds a connection may sit with no request in progress before it is closed."""
    request_timeout: float = 10.0
    """Seconds from a request's first byte to its last; a slower one is cut off."""
    shed_after: int = 32
    """Requests queued for a worker past which a new POST gets 503 + Retry-After at once."""
    retry_after: int = 1
    """Seconds the 503 tells Slack to wait before retrying."""

    def __post_init__(self) -> None:
        numbers = (self.threads, self.connection_limit, self.per_address_limit, self.shed_after)
        if min(numbers) < 1 or min(self.channel_timeout, self.request_timeout) <= 0:
            raise ValueError(f"every limit must be positive: {self}")


DEFAULT_LIMITS = EdgeLimits()


def usable_connection_limit(wanted: int) -> int:
    """`wanted`, or fewer if the process may not open that many files (raising the soft limit
    toward the hard one first, as servers commonly do)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted
    usable = max(1, soft - FD_HEADROOM)
    log.warning("open-file limit %d allows %d connections, not %d", soft, usable, wanted)
    return usable
