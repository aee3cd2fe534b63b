"""What the Slack app asks for; the manifest in deploy/ must match (a test checks)."""

from __future__ import annotations

BOT_SCOPES = (
    "app_mentions:read",
    "assistant:write",
    "channels:history",  # the digest finds its earlier post in an owner's channel
    "chat:write",
    "chat:write.public",  # /ask and digests in public channels the bot hasn't joined
    "commands",
    "files:write",
    "groups:history",  # ... and in a private channel
    "im:history",
    "im:read",
    "im:write",
    "reactions:read",
    "users:read",
)
BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "assistant_thread_context_changed",
    "assistant_thread_started",
    "message.im",
    "reaction_added",
    "reaction_removed",
)
