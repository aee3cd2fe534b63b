"""The verified-answer review: "still true?" to each owner once an answer is past its date.

A background service (a `name` and a `tick()`, started by bot/composition): each tick claims
the active verified answers last checked more than LASTMILE_VERIFIED_REVIEW_DAYS ago and not yet
asked, and hands each to a `ReviewSender` (Slack's lives in handlers/digest/verified_review.py).
The claim is a guarded UPDATE, so replicas ask once. Until the owner keeps, edits or retires it,
the answer is served with "last checked <date>" (bot/asking.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from bot.runtime import Runtime
from storage.models import VerifiedAnswer

log = logging.getLogger(__name__)


class ReviewSender(Protocol):
    """Asks an answer's owner whether it is still true."""

    def ask(self, verified: VerifiedAnswer) -> bool:
        """Send the question; False when nobody could be asked."""
        ...


class VerifiedReview:
    """The background service that sends each due review once."""

    name = "verified review"

    def __init__(self, runtime: Runtime, sender: ReviewSender) -> None:
        self.runtime = runtime
        self.sender = sender

    def tick(self) -> None:
        """One pass (the service's interval is its own)."""
        self.run_once()

    def run_once(self) -> int:
        """Ask about every due answer; returns how many were asked."""
        days = self.runtime.settings.verified_review_days
        due = self.runtime.store.claim_verified_reviews(self.runtime.store.now() - timedelta(days))
        asked = sum(1 for verified in due if self.sender.ask(verified))
        if due:
            log.info("verified review: %d due, %d asked", len(due), asked)
        return asked
