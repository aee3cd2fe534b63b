"""Who may act for an owner beyond its listed members: members of Slack user groups.

An owner's `usergroups = ["S0123ABCD"]` lets everyone in those groups press its digest and
ping buttons. Members are looked up (Slack `usergroups.users.list`, through the injected
`fetch`) at most once per group per `ttl_s`. A failed look-up is logged and counts as nobody:
the owner's listed members still act, and the next call after the failure tries again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

log = logging.getLogger(__name__)
GROUP_TTL_S = 300.0
"""Five minutes: someone added to a group can act soon; Slack is asked rarely."""


class GroupMembers(Protocol):
    """Anything that knows the members of a user group (S...)."""

    def members_of(self, group_id: str) -> frozenset[str]: ...


class CachedGroupMembers:
    """`fetch(group_id)` (Slack's members of a group) cached per group for `ttl_s` seconds."""

    def __init__(
        self,
        fetch: Callable[[str], Sequence[str]],
        clock: Callable[[], datetime],
        ttl_s: float = GROUP_TTL_S,
    ) -> None:
        self.fetch = fetch
        self.clock = clock
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[datetime, frozenset[str]]] = {}

    def members_of(self, group_id: str) -> frozenset[str]:
        """The group's user ids; empty (and logged) when Slack could not say."""
        now = self.clock()
        with self._lock:
            cached = self._cache.get(group_id)
        if cached is not None and (now - cached[0]).total_seconds() < self.ttl_s:
            return cached[1]
        try:
            members = frozenset(self.fetch(group_id))
        except Exception as error:  # noqa: BLE001 - any failure falls back to listed members
            log.warning("user group %s: members unknown (%s); listed members only", group_id, error)
            return frozenset()
        with self._lock:
            self._cache[group_id] = (now, members)
        return members
