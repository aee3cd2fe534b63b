"""Keep request bodies and tokens out of the logs, whatever the configured log level.

Stock Bolt logs the whole request body at INFO when a signature check fails
(`slack_bolt.RequestVerification`): a forged request would put an attacker's payload, and a
misrouted real one a user's message, in our logs. The filter drops those records; the level
keeps them from being formatted at all.
"""

from __future__ import annotations

import logging

SENSITIVE_LOGGERS = ("slack_bolt.RequestVerification",)


class DropRequestBodies(logging.Filter):
    """Rejects any record that carries a request body."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for records that would print `body: ...`."""
        return "body:" not in record.getMessage()


_FILTER = DropRequestBodies()


def protect_logs() -> None:
    """Silence Bolt's body-logging loggers below WARNING and filter bodies out (idempotent)."""
    for name in SENSITIVE_LOGGERS:
        sensitive = logging.getLogger(name)
        sensitive.setLevel(logging.WARNING)
        sensitive.addFilter(_FILTER)  # the same instance each time, so it is added once
