"""Urgent reports: queued for their owner, coalesced into one message, never dropped.

A report is urgent when its reason is `unsafe`, or when enough distinct people reported the
same answer (one person reporting three times is one person). Each urgent answer becomes one
pending row; a flush sends one message listing every pending report of an owner, right away
when that owner had no ping within the interval, else when the urgent-ping service finds the
interval over. A failed send leaves the rows pending for the next flush.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.owners import route_owner
from storage import Store
from storage.models import Answer, Owner
from storage.queries.urgent import UrgentRow

log = logging.getLogger(__name__)
URGENT_FLUSH_EVERY_S = 60.0
"""How often the urgent-ping service looks for owners whose interval is over."""


def urgent_reason(store: Store, answer_id: int, reason: str | None, threshold: int) -> str | None:
    """Why a report is urgent (`unsafe` or `N people reported it`), or None when it can wait."""
    if reason == "unsafe":
        return "unsafe"
    people = store.count_reporters(answer_id)
    return f"{people} people reported it" if people >= threshold else None


@dataclass(frozen=True)
class Queued:
    """An urgent report was queued for this owner (None: nobody owns it, the admins hear)."""

    owner_id: int | None


def queue_urgent_report(
    store: Store, *, answer: Answer, question: str, reason: str | None, threshold: int
) -> Queued | None:
    """Queue the answer's urgent ping for its owner; None when the report is not urgent."""
    assert answer.id is not None
    why = urgent_reason(store, answer.id, reason, threshold)
    if why is None:
        return None
    owner = route_owner(store, answer.channel_id, question)
    owner_id = owner.id if owner is not None and owner.slack_id else None
    store.add_urgent_report(answer_id=answer.id, owner_id=owner_id, reason=why)
    return Queued(owner_id)


@dataclass(frozen=True)
class UrgentBatch:
    """One coalesced ping: where it goes (a user or a channel id) and the reports it lists."""

    owner: Owner | None
    destination: str
    rows: Sequence[UrgentRow]

    @property
    def ids(self) -> list[int]:
        """The urgent_ping ids this message covers."""
        return [row.ping.id for row in self.rows if row.ping.id is not None]


Send = Callable[[UrgentBatch], tuple[str, str]]
"""Posts a batch; returns (channel, ts); raises when Slack refused or could not be reached."""


def destination_of(owner: Owner | None, admins: Sequence[str]) -> str | None:
    """Where an owner's pings go: its `slack` (a user's DM or a channel), else the first admin."""
    if owner is not None and owner.slack_id:
        return owner.slack_id
    return admins[0] if admins else None


def flush_owner(
    store: Store, owner_id: int | None, *, interval_s: int, admins: Sequence[str], send: Send
) -> bool:
    """Send one message with every pending urgent report of an owner, if due. True if sent."""
    owner = store.get_owner(owner_id) if owner_id is not None else None
    destination = destination_of(owner, admins)
    if destination is None:
        return False  # nobody to tell: the rows wait for an owner or an admin
    rows = store.claim_due_pings(owner_id=owner_id, interval_s=interval_s)
    if not rows:
        return False
    batch = UrgentBatch(owner, destination, rows)
    try:
        channel, ts = send(batch)
    except Exception as error:  # noqa: BLE001 - any failure leaves the reports pending
        log.warning("urgent ping to %s failed (%s); kept for the next try", destination, error)
        store.release_pings(batch.ids)
        return False
    store.mark_pings_sent(batch.ids, channel_id=channel, message_ts=ts)
    return True


def flush_due(store: Store, *, interval_s: int, admins: Sequence[str], send: Send) -> int:
    """Flush every owner with pending urgent reports whose interval is over; how many sent."""
    owners = store.owners_with_pending_pings()
    sent = [
        flush_owner(store, owner_id, interval_s=interval_s, admins=admins, send=send)
        for owner_id in owners
    ]
    return sum(sent)
