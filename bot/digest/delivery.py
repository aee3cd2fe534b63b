"""Posting each owner's digest exactly once, across replicas and crashes.

The protocol (docs/digest.md has the long version):
1. Claim: INSERT a DigestRun(owner, period). The unique (owner_id, period) constraint lets one
   process win; the others see the row and skip. Two replicas firing at the same minute on one
   PostgreSQL therefore post one digest per owner.
2. Post: the message carries `metadata.event_payload.marker = lastmile-digest:<owner>:<period>`.
3. Record: status 'posted' with channel and ts.
A process that dies between 1 and 3 leaves a 'claimed' row. After `lease` another run takes it
over (a guarded UPDATE, so only one does) and first looks for the marker in the channel's
recent history: found means the post happened before the crash, so only the record is written;
not found means it never happened, so it posts now. Either way: one message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Protocol

from bot.digest.activity import ActivityMaps, activity_by_owner
from bot.digest.build import build_digest, collect_failures
from bot.digest.knowledge_to_fix import KnowledgeDates
from bot.digest.model import Digest
from bot.digest.period import Period
from bot.digest.themes import Clusterer, Labeler, default_clusterer
from storage import Store
from storage.models import Owner
from storage.queries.digest import FailureRecord

LEASE = timedelta(minutes=10)
"""How long a claim may stay unposted before it counts as dead. Posting takes seconds."""
log = logging.getLogger(__name__)


def digest_marker(owner_id: int, period_key: str) -> str:
    """The deterministic id a digest message carries in its metadata."""
    return f"lastmile-digest:{owner_id}:{period_key}"


class DigestPoster(Protocol):
    """Where digests go (Slack in handlers/digest; anything in tests and the CLI)."""

    def destination(self, owner_slack_id: str) -> str:
        """The channel to post in (a user's DM, or the owner's channel)."""
        ...

    def find_posted(self, channel: str, marker: str) -> str | None:
        """The ts of an earlier message carrying `marker`, if one was posted."""
        ...

    def post(self, channel: str, digest: Digest) -> str:
        """Post the digest with `digest.marker` in its metadata; returns the message ts."""
        ...

    def after_post(self, channel: str, ts: str, digest: Digest) -> None:
        """Follow-ups that may be lost in a crash without harm (the chart)."""
        ...


@dataclass(frozen=True)
class Delivery:
    """What happened to one owner's digest: posted, reconciled (found already posted), skipped."""

    owner_id: int
    period: str
    outcome: str
    channel_id: str = ""
    message_ts: str = ""


def summary_of(digest: Digest) -> dict[str, object]:
    """What DigestRun.summary keeps: the headline numbers and each theme's count."""
    return {
        "failures": digest.failures,
        "counts": asdict(digest.counts),
        "themes": {str(theme.theme_id): theme.count for theme in digest.themes},
    }


def deliver_digest(
    store: Store,
    poster: DigestPoster,
    owner: Owner,
    period: Period,
    *,
    instance_id: str,
    failures: Sequence[FailureRecord] | None = None,
    clusterer: Clusterer = default_clusterer,
    lease: timedelta = LEASE,
    activity: ActivityMaps | None = None,
    labeler: Labeler | None = None,
    knowledge: KnowledgeDates | None = None,
) -> Delivery:
    """Claim, post and record one owner's digest; safe to call from any number of processes."""
    assert owner.id is not None
    claim = store.claim_digest(
        owner_id=owner.id, period=period.key, claimed_by=instance_id, lease=lease
    )
    if claim is None:
        return Delivery(owner.id, period.key, "skipped")
    channel = poster.destination(owner.slack_id)
    if claim.resumed:
        found = poster.find_posted(channel, digest_marker(owner.id, period.key))
        if found is not None:
            summary: dict[str, object] = {"reconciled": True}
            store.record_digest_posted(
                claim.run_id, channel_id=channel, message_ts=found, summary=summary
            )
            return Delivery(owner.id, period.key, "reconciled", channel, found)
    if activity is None:
        digest = build_digest(
            store, owner, period, failures=failures, clusterer=clusterer, labeler=labeler,
            knowledge=knowledge,
        )  # fmt: skip
    else:
        digest = build_digest(
            store, owner, period, failures=failures, clusterer=clusterer, labeler=labeler,
            knowledge=knowledge, **activity,
        )  # fmt: skip
    ts = poster.post(channel, digest)
    store.record_digest_posted(
        claim.run_id, channel_id=channel, message_ts=ts, summary=summary_of(digest)
    )
    poster.after_post(channel, ts, digest)
    return Delivery(owner.id, period.key, "posted", channel, ts)


def deliver_all(
    store: Store,
    poster: DigestPoster,
    period: Period,
    *,
    instance_id: str,
    clusterer: Clusterer = default_clusterer,
    lease: timedelta = LEASE,
    labeler: Labeler | None = None,
    knowledge: KnowledgeDates | None = None,
) -> list[Delivery]:
    """Every owner's digest for a period; one owner's Slack error does not stop the others."""
    routed = collect_failures(store, period)
    activity = ActivityMaps(
        activity=activity_by_owner(store, period),
        previous_activity=activity_by_owner(store, period.previous()),
    )
    results = []
    for owner in store.list_owners():
        assert owner.id is not None
        try:
            results.append(
                deliver_digest(
                    store, poster, owner, period,
                    instance_id=instance_id, failures=routed.get(owner.id, []),
                    clusterer=clusterer, lease=lease, activity=activity, labeler=labeler,
                    knowledge=knowledge,
                )
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - logged; the claim is resumed after the lease
            log.exception("digest for owner %s, %s failed; will resume", owner.id, period.key)
            results.append(Delivery(owner.id, period.key, "failed"))
    return results
