"""`SlackPoster`: the DigestPoster that posts Block Kit digests through the Web API."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest.chart import daily_chart_png
from bot.digest.delivery import PostRefused
from bot.digest.model import Digest, permalink
from handlers.digest.blocks import fallback_text
from handlers.digest.parts import digest_messages

EVENT_TYPE = "lastmile_digest"
HISTORY_PAGE = 200  # the digest is among the bot's latest posts in that channel or DM
log = logging.getLogger(__name__)


class SlackPoster:
    """Posts digests to owners (a user's DM or a channel) and finds earlier posts by marker."""

    def __init__(self, client: WebClient, *, chart: bool = True) -> None:
        self.client = client
        self.chart = chart
        self.permalink = cache(self._permalink)

    def destination(self, owner_slack_id: str) -> str:
        """A user id becomes the DM channel with that user; a channel id is used as is."""
        if owner_slack_id[:1] not in ("U", "W"):
            return owner_slack_id
        try:
            opened = self.client.conversations_open(users=owner_slack_id)
        except SlackApiError as error:
            raise PostRefused(f"opening the DM: {error.response.get('error')}") from error
        return str(opened["channel"]["id"])

    def find_posted(self, channel: str, marker: str) -> str | None:
        """The ts of a bot message in `channel` whose metadata carries `marker`."""
        page = self.client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True
        )
        for message in page.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("marker") == marker:
                return str(message["ts"])
        return None

    def post(self, channel: str, digest: Digest) -> str:
        """Post the digest: the parent (with the marker) and, when it is long, thread replies.

        Returns the parent's ts; raises PostRefused with Slack's error when a part is refused.
        """
        metadata = {
            "event_type": EVENT_TYPE,
            "event_payload": {
                "marker": digest.marker,
                "owner_id": digest.owner_id,
                "period": digest.period.key,
            },
        }
        parts = digest_messages(digest, self.permalink)
        text = fallback_text(digest)
        parent = self._post(channel, "the digest", text=text, blocks=parts[0], metadata=metadata)
        for number, blocks in enumerate(parts[1:], start=2):
            where = f"reply {number - 1} of {len(parts) - 1}"
            more = f"{text} (continued, {number} of {len(parts)})"
            self._post(channel, where, text=more, blocks=blocks, thread_ts=parent)
        return parent

    def _post(self, channel: str, what: str, **message: Any) -> str:
        try:
            posted = self.client.chat_postMessage(channel=channel, unfurl_links=False, **message)
        except SlackApiError as error:
            raise PostRefused(f"{what}: {error.response.get('error')}") from error
        return str(posted["ts"])

    def after_post(self, channel: str, ts: str, digest: Digest) -> None:
        """Upload the daily chart into the digest's thread (losing it in a crash is harmless)."""
        if not self.chart:
            return
        try:
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=ts,
                content=daily_chart_png(digest),
                filename=f"lastmile-{digest.period.key}.png",
                title=f"Daily thumbs-down rate, {digest.period.key}",
            )
        except SlackApiError as error:
            log.warning("chart upload failed: %s", error.response.get("error"))

    def _permalink(self, channel: str, ts: str) -> str:
        try:
            found = self.client.chat_getPermalink(channel=channel, message_ts=ts)
            return str(found["permalink"])
        except SlackApiError:
            return permalink(channel, ts)
