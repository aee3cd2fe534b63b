"""Posting the demo's weekly digests through the real delivery path, keeping what was posted.

`post_digests` is `handlers.digest.send_digests` with a poster that also remembers each
`Digest` (for the Markdown file and the terminal) next to the Slack message it became.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.demo.world import DemoWorld
from bot.digest import Digest, deliver_all
from bot.digest.knowledge_to_fix import knowledge_dates
from bot.digest.period import Period
from bot.digest.themes import Clusterer, Clusters, default_clusterer

Json = dict[str, Any]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostedDigest:
    """One owner's digest as built and as posted."""

    digest: Digest
    slack_id: str
    channel: str
    ts: str
    message: Json


class RecordingPoster:
    """Wraps the Slack poster and keeps each Digest it posts."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.posted: dict[str, Digest] = {}

    def destination(self, owner_slack_id: str) -> str:
        """As the Slack poster."""
        return str(self.inner.destination(owner_slack_id))

    def find_posted(self, channel: str, marker: str) -> str | None:
        """As the Slack poster."""
        found = self.inner.find_posted(channel, marker)
        return None if found is None else str(found)

    def post(self, channel: str, digest: Digest) -> str:
        """Post, and remember the digest under the message ts."""
        ts = str(self.inner.post(channel, digest))
        self.posted[ts] = digest
        return ts

    def after_post(self, channel: str, ts: str, digest: Digest) -> None:
        """As the Slack poster (uploads the daily chart)."""
        self.inner.after_post(channel, ts, digest)


def clusterer(notes: list[str]) -> Clusterer:
    """The product's clusterer; a labelled stand-in when bot.clustering is not installed yet."""
    try:
        available = hasattr(importlib.import_module("bot.clustering"), "cluster_texts")
    except ImportError:
        available = False
    if available:
        return default_clusterer
    note = "bot.clustering is not available: themes are grouped by shared words instead."
    if note not in notes:
        notes.append(note)
    return word_clusters


def post_digests(world: DemoWorld, period: Period, notes: list[str]) -> list[PostedDigest]:
    """Post every owner's digest for `period` (what the digest scheduler calls in the demo)."""
    from handlers.digest.poster import SlackPoster

    runtime = world.runtime
    poster = RecordingPoster(SlackPoster(world.app.client, chart=True))
    knowledge = knowledge_dates(runtime.knowledge, runtime.settings.stale_after_days)
    deliveries = deliver_all(
        runtime.store, poster, period, instance_id=runtime.instance_id,
        clusterer=clusterer(notes), knowledge=knowledge,
    )  # fmt: skip
    owners = {owner.id: owner for owner in runtime.store.list_owners()}
    posted = []
    for delivery in deliveries:
        digest = poster.posted.get(delivery.message_ts)
        owner = owners.get(delivery.owner_id)
        if delivery.outcome != "posted" or digest is None or owner is None:
            notes.append(f"digest for owner {delivery.owner_id}: {delivery.outcome}")
            continue
        message = world.slack.workspace.messages[(delivery.channel_id, delivery.message_ts)]
        posted.append(
            PostedDigest(digest, owner.slack_id, delivery.channel_id, delivery.message_ts, message)
        )
    return posted


@dataclass(frozen=True)
class _Theme:
    label: str
    key_terms: tuple[str, ...]
    member_indices: tuple[int, ...]


@dataclass(frozen=True)
class _Clusters:
    themes: tuple[_Theme, ...]


def word_clusters(texts: Sequence[str]) -> Clusters:
    """Group questions by their rarest shared content word (stand-in for bot.clustering)."""
    from bot.answering.text import tokens

    groups: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    words = [list(dict.fromkeys(tokens(text))) for text in texts]
    for each in words:
        for word in each:
            counts[word] = counts.get(word, 0) + 1
    for index, each in enumerate(words):
        key = max(each, key=lambda w: (counts[w], w)) if each else "other"
        groups.setdefault(key, []).append(index)
    themes = tuple(_Theme(key, (key,), tuple(members)) for key, members in groups.items())
    return _Clusters(themes)
