"""Members of the owners' Slack user groups, from `usergroups.users.list`, cached per runtime.

Every owner-only control (digest buttons and modals, urgent pings) asks `can_act` with this
cache, so a user group listed in the owners file works the same everywhere.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.owners import CachedGroupMembers
from bot.runtime import Runtime

GROUPS_KEY = "owners.group_members"


def group_members(runtime: Runtime, client: WebClient) -> CachedGroupMembers:
    """The runtime's user-group cache (created on first use); pass it to `can_act(groups=...)`."""
    existing = runtime.extras.get(GROUPS_KEY)
    if isinstance(existing, CachedGroupMembers):
        return existing

    def fetch(group_id: str) -> list[str]:
        found = client.usergroups_users_list(usergroup=group_id)
        return [str(user) for user in found.get("users") or []]

    cache = CachedGroupMembers(fetch, runtime.clock)
    runtime.extras[GROUPS_KEY] = cache
    return cache
