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

Fencing: every claim (and takeover) gets a fresh token. Right before posting, the holder renews
the claim with its token (restarting the lease); a process that stalled past the lease finds
its token replaced and does not post. Recording the post needs the token too.
A refused post (PostRefused: Slack's error) marks the claim 'failed' with the error: the next
run takes it over at once, looks for the marker, and posts.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import timedelta
from typing import Protocol

from bot.digest.activity import ActivityMaps, activity_by_owner
from bot.digest.build import (
    SilentMaps,
    TraceLink,
    build_digest,
    collect_failures,
    silent_maps,
)
from bot.digest.knowledge_to_fix import KnowledgeDates
from bot.digest.model import Digest
from bot.digest.outcomes import Delivery, DigestsFailed, PostRefused, error_text, raise_if_failed
from bot.digest.period import Period
from bot.digest.themes import Clusterer, Labeler, default_clusterer
from storage import Store
from storage.models import Owner
from storage.queries.digest import DigestClaim, FailureRecord

__all__ = [
    "LEASE", "Delivery", "DigestPoster", "DigestsFailed", "PostRefused", "deliver_all",
    "deliver_digest", "digest_marker", "raise_if_failed",
]  # fmt: skip
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


def summary_of(digest: Digest) -> dict[str, object]:
    """What DigestRun.summary keeps: the headline numbers and each theme's count."""
    return {
        "failures": digest.failures,
        "silent": digest.silent_count,
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
    trace_link: TraceLink | None = None,
    silent: SilentMaps | None = None,
) -> Delivery:
    """Claim, post and record one owner's digest; safe to call from any number of processes.

    An error after the claim marks it 'failed' (the next run takes it over at once, checking
    for the marker first) and is raised; a claim lost to another process is never posted.
    """
    assert owner.id is not None
    claim = store.claim_digest(
        owner_id=owner.id, period=period.key, claimed_by=instance_id, lease=lease
    )
    if claim is None:
        return Delivery(owner.id, period.key, "skipped")

    def build() -> Digest:
        if activity is None:
            return build_digest(
                store, owner, period, failures=failures, clusterer=clusterer, labeler=labeler,
                knowledge=knowledge, trace_link=trace_link, silent=silent,
            )  # fmt: skip
        return build_digest(
            store, owner, period, failures=failures, clusterer=clusterer, labeler=labeler,
            knowledge=knowledge, trace_link=trace_link, silent=silent, **activity,
        )  # fmt: skip

    try:
        return _post_claimed(store, poster, owner, period, claim, build)
    except Exception as error:
        store.release_digest_claim(claim, error=error_text(error))
        raise


def _post_claimed(
    store: Store,
    poster: DigestPoster,
    owner: Owner,
    period: Period,
    claim: DigestClaim,
    build: Callable[[], Digest],
) -> Delivery:
    """Post (or, resumed, first look for the marker) and record, while the claim holds."""
    assert owner.id is not None
    channel = poster.destination(owner.slack_id)
    if claim.resumed:
        found = poster.find_posted(channel, digest_marker(owner.id, period.key))
        if found is not None:
            summary: dict[str, object] = {"reconciled": True}
            if not store.record_digest_posted(
                claim, channel_id=channel, message_ts=found, summary=summary
            ):
                return Delivery(owner.id, period.key, "lost", channel, found)
            return Delivery(owner.id, period.key, "reconciled", channel, found)
    digest = build()
    # Building can take long (clustering, model labels): only the claim's holder posts.
    if not store.renew_digest_claim(claim):
        log.warning("digest for owner %s, %s: claim taken over; not posting", owner.id, period.key)
        return Delivery(owner.id, period.key, "lost")
    ts = poster.post(channel, digest)
    if not store.record_digest_posted(
        claim, channel_id=channel, message_ts=ts, summary=summary_of(digest)
    ):
        log.warning("digest for owner %s, %s posted after its claim was taken over", owner.id,
                    period.key)  # fmt: skip
    try:
        poster.after_post(channel, ts, digest)
    except Exception:  # noqa: BLE001 - the digest is posted; a lost chart is no failure
        log.exception("digest for owner %s, %s: the follow-up failed", owner.id, period.key)
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
    trace_link: TraceLink | None = None,
) -> list[Delivery]:
    """Every owner's digest for a period; one owner's failure does not stop the others.

    A failed owner's Delivery carries Slack's error; `raise_if_failed` turns that into a retry.
    """
    routed = collect_failures(store, period)
    silent = silent_maps(store, period)
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
                    knowledge=knowledge, trace_link=trace_link, silent=silent,
                )
            )  # fmt: skip
        except Exception as error:  # noqa: BLE001 - reported; the failed claim is retried
            log.exception(
                "digest for owner %s (%s), %s failed: %s; the next run retries it",
                owner.id, owner.name, period.key, error_text(error),
            )  # fmt: skip
            failed = Delivery(owner.id, period.key, "failed", error=error_text(error))
            results.append(dataclasses.replace(failed, owner_name=owner.name))
    return results
