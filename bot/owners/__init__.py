"""Owners: who gets which failures. Read from a TOML file, synced to the Owner table, and routed.

`file` reads the owners file strictly, `ids` knows Slack id shapes, `spec` is one owner as
written and its sync, `words` matches topics to word forms, `routing` picks the one owner of
each failure (and says why), `members` resolves user groups to who may act.
"""

from bot.owners.file import KEYS, OwnersFileError, load_owners_file, sync_owners_file
from bot.owners.ids import is_channel_id, is_slack_id, is_user_id
from bot.owners.members import CachedGroupMembers, GroupMembers
from bot.owners.routing import (
    MAX_VISIBLE_TO,
    OwnerRouter,
    Route,
    can_act,
    choose_owner,
    explain_route,
    owner_people,
    route_owner,
    topic_matches,
)
from bot.owners.spec import OwnerSpec, OwnerStore, sync_owners

__all__ = [
    "MAX_VISIBLE_TO",
    "KEYS",
    "CachedGroupMembers",
    "GroupMembers",
    "OwnerRouter",
    "OwnerSpec",
    "OwnerStore",
    "OwnersFileError",
    "Route",
    "can_act",
    "choose_owner",
    "explain_route",
    "is_channel_id",
    "is_slack_id",
    "is_user_id",
    "load_owners_file",
    "owner_people",
    "route_owner",
    "sync_owners",
    "sync_owners_file",
    "topic_matches",
]
