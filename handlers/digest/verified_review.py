"""Slack side of the verified-answer review: the "still true?" DM with Keep / Edit / Retire."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from bot.verified_review import VerifiedReview
from handlers.digest.verified_views import verified_blocks
from storage.models import VerifiedAnswer
from storage.queries.base import as_utc

log = logging.getLogger(__name__)
REVIEW_LOOK_S = 3600.0
"""How often a running bot looks for verified answers past their review date."""


class SlackReviewSender:
    """DMs (or posts in its channel) the verified answer's owner the review question."""

    def __init__(self, runtime: Runtime, client: WebClient) -> None:
        self.runtime = runtime
        self.client = client

    def ask(self, verified: VerifiedAnswer) -> bool:
        """Post the review to the owner; False when the answer has no owner to ask."""
        owner = self.runtime.store.get_owner(verified.owner_id) if verified.owner_id else None
        if owner is None or not owner.slack_id:
            return False
        checked = as_utc(verified.checked_at or verified.created_at).date()
        try:
            channel = owner.slack_id
            if channel.startswith(("U", "W")):
                channel = str(self.client.conversations_open(users=channel)["channel"]["id"])
            self.client.chat_postMessage(
                channel=channel,
                text="Is this verified answer still true?",
                blocks=verified_blocks(verified, checked, review=True),
            )
        except SlackApiError as err:
            log.warning("verified review %s not sent: %s", verified.id, err.response.get("error"))
            if verified.id is not None:
                self.runtime.store.release_verified_review(verified.id)  # asked at the next tick
            return False
        return True


def verified_review(runtime: Runtime, client: WebClient) -> VerifiedReview:
    """The review service, sending through Slack."""
    return VerifiedReview(runtime, SlackReviewSender(runtime, client))
