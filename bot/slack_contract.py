"""What the Slack app asks for, and why; the manifest in deploy/ must match.

tests/test_slack_scopes.py derives every Web API method bot/ and handlers/ call and fails when
one is missing from METHOD_SCOPES, when BOT_SCOPES lacks a scope a call, event or feature needs,
or when it holds one nothing needs. Adding a call: add its method below with the bot scopes
Slack's reference page (docs.slack.dev/reference/methods/<method>) lists, narrowed to the
conversation types lastmile uses it in; then add any new scope to BOT_SCOPES and the manifest.
"""

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
    "im:write",
    "reactions:read",
    "usergroups:read",  # members of an owner's `usergroups` may act on its digest and pings
)
BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "message.channels",  # help channels answered without a mention (bot/workspace); others dropped
    "message.groups",
    "message.im",
    "reaction_added",
    "reaction_removed",
)
# Socket Mode's apps.connections.open uses the app-level token (SLACK_APP_TOKEN), not the bot's.
APP_TOKEN_SCOPES = ("connections:write",)

# Web API method -> the bot scopes lastmile's use of it needs.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "apps.connections.open": APP_TOKEN_SCOPES,
    "assistant.threads.setStatus": ("chat:write",),  # assistant:write also accepted, for now
    "assistant.threads.setSuggestedPrompts": ("assistant:write",),
    "assistant.threads.setTitle": ("assistant:write",),
    "auth.test": (),
    "chat.appendStream": ("chat:write",),
    "chat.getPermalink": (),
    "chat.postEphemeral": ("chat:write",),
    "chat.postMessage": ("chat:write", "chat:write.public"),  # see BOT_SCOPES
    "chat.startStream": ("chat:write",),
    "chat.stopStream": ("chat:write",),
    "chat.update": ("chat:write",),
    # an owner's public channel, private channel or DM (not group DMs: mpim:history)
    # ... and the Messages tab, to greet a person only into an empty conversation
    "conversations.history": ("channels:history", "groups:history", "im:history"),
    "conversations.open": ("im:write",),  # 1:1 DMs only (owners' digests and pings)
    "conversations.replies": ("im:history",),  # Bolt's Assistant, in assistant (DM) threads
    "files.completeUploadExternal": ("files:write",),
    "files.getUploadURLExternal": ("files:write",),
    "usergroups.users.list": ("usergroups:read",),
    "views.open": (),
    "views.publish": (),
    "views.update": (),
}
# Subscribed event -> the bot scopes Slack requires to deliver it.
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    "app_home_opened": (),
    "app_mention": ("app_mentions:read",),
    "assistant_thread_context_changed": ("assistant:write",),
    "assistant_thread_started": ("assistant:write",),
    "message.channels": ("channels:history",),
    "message.groups": ("groups:history",),
    "message.im": ("im:history",),
    "reaction_added": ("reactions:read",),
    "reaction_removed": ("reactions:read",),
}
# Manifest feature -> the bot scopes Slack requires for it.
FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "agent_view": ("assistant:write",),  # "Agents": the agent messaging experience
    "assistant_view": ("assistant:write",),  # the older assistant pane, on installs that keep it
    "shortcuts": ("commands",),
    "slash_commands": ("commands",),
}
