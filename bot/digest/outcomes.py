"""What delivering a digest came to: each owner's outcome, and the failures to retry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.digest.period import Period


class PostRefused(Exception):
    """The destination refused the digest (Slack's `ok: false`); `error` says why."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class DigestsFailed(Exception):
    """Some owners' digests were not posted: the caller (the scheduler) runs the period again."""


@dataclass(frozen=True)
class Delivery:
    """What happened to one owner's digest: posted, reconciled (found already posted), skipped,
    lost (another process took the claim over while this one stalled), failed (with `error`)."""

    owner_id: int
    period: str
    outcome: str
    channel_id: str = ""
    message_ts: str = ""
    error: str = ""
    owner_name: str = ""  # set on failures, for the report


def error_text(error: Exception) -> str:
    """Slack's error for a refused post, else the exception's type and message."""
    return error.error if isinstance(error, PostRefused) else f"{type(error).__name__}: {error}"


def raise_if_failed(period: Period, deliveries: Sequence[Delivery]) -> None:
    """DigestsFailed naming each owner whose digest failed, and why; nothing when none did."""
    failed = [d for d in deliveries if d.outcome == "failed"]
    if failed:
        owners = "; ".join(f"owner {d.owner_id} ({d.owner_name}): {d.error}" for d in failed)
        raise DigestsFailed(f"digest {period.key} not posted for {owners}")
