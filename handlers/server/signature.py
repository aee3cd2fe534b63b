"""Slack's request signature, checked on the raw bytes before anything parses them.

Slack signs `v0:{X-Slack-Request-Timestamp}:{raw body}` with the app's signing secret
(HMAC-SHA256) and sends `v0=<hex digest>` as X-Slack-Signature. A request more than five
minutes from our clock is stale: a captured request can't be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

MAX_AGE_SECONDS = 300


def signature_problem(
    secret: str, headers: Mapping[str, str], body: bytes, now: float
) -> str | None:
    """Why this request is not Slack's (a short reason for the 401), or None when it is."""
    timestamp = headers.get("x-slack-request-timestamp")
    given = headers.get("x-slack-signature")
    if not timestamp or not given:
        return "missing signature"
    if not secret:
        return "no signing secret configured"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 15):
        return "invalid X-Slack-Request-Timestamp"
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return "stale request"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    # Header values are latin-1 in WSGI; bytes keep compare_digest happy with any of them.
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("latin-1", "replace")):
        return "invalid signature"
    return None
