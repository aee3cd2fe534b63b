"""Slack id shapes, and what to say when someone wrote a name or an email instead of an id.

Owners files and LASTMILE_ADMINS need ids because names change and the Web API takes ids:
a user is `U...` (or `W...` on Enterprise Grid; a digest to it is a DM), a channel `C...`
(public) or `G...` (private).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

_ID = re.compile(r"^[UWCGD][A-Z0-9]{2,}$")
_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,}$")
_GROUP = re.compile(r"^S[A-Z0-9]{2,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

USER_FIX = "use the member id (U...): in Slack open the person's profile, ⋮ More, Copy member ID"
CHANNEL_FIX = (
    "use the channel id (C... or G...): click the channel's name; it is at the end of About"
)

GROUP_FIX = (
    "use the user group id (S...): in Slack open People, User groups, the group, ⋮, Copy group ID"
)


def is_slack_id(value: str) -> bool:
    """A user (U/W) or conversation (C/G/D) id as Slack writes them."""
    return bool(_ID.match(value))


def is_user_id(value: str) -> bool:
    """A user id: `U0123ABC` or, on Enterprise Grid, `W0123ABC`."""
    return bool(_USER.match(value))


def is_channel_id(value: str) -> bool:
    """A public (`C...`) or private (`G...`) channel id."""
    return bool(_CHANNEL.match(value))


def looks_like(value: str) -> str:
    """What a value that is not the id wanted most likely is: "an email address", ..."""
    if _EMAIL.match(value):
        return "an email address"
    if value.startswith("#"):
        return "a channel name"
    if is_user_id(value):
        return "a user id"
    if is_channel_id(value):
        return "a channel id"
    if _ID.match(value):
        return "a direct-message id"
    if _ID.match(value.upper()):
        return "an id in lower case (Slack ids are upper case)"
    if value.startswith("@") or " " in value or value[:1].isupper() or _SLUG.match(value):
        return "a name"
    return "not in the form of a Slack id"


def user_id_problem(value: str) -> str | None:
    """None for a user id; else what `value` is and how to find the user id to use instead."""
    if is_user_id(value):
        return None
    return f"{value!r} is {looks_like(value)}, but a user id is needed; {USER_FIX}"


def channel_id_problem(value: str) -> str | None:
    """None for a channel id; else what `value` is and how to find the channel id instead."""
    if is_channel_id(value):
        return None
    kind = looks_like(value)
    kind = "a channel name" if kind == "a name" and _SLUG.match(value) else kind
    return f"{value!r} is {kind}, but a channel id is needed; {CHANNEL_FIX}"


def group_id_problem(value: str) -> str | None:
    """None for a user group id (S...); else what `value` is and how to find the id."""
    if _GROUP.match(value):
        return None
    return f"{value!r} is {looks_like(value)}, but a user group id (S...) is needed; {GROUP_FIX}"


def destination_problem(value: str) -> str | None:
    """None for a user or channel id (where a digest can go); else what to write instead."""
    if is_user_id(value) or is_channel_id(value):
        return None
    kind = looks_like(value)
    if kind == "a channel name" or (kind == "a name" and "-" in value and _SLUG.match(value)):
        return f"{value!r} is a channel name, but a channel id is needed; {CHANNEL_FIX}"
    if kind == "an email address" or value.startswith("@") or " " in value:
        return f"{value!r} is {kind}, but a user id is needed; {USER_FIX}"
    return (
        f"{value!r} is {kind}, but a user id (U..., the digest comes by DM) or a channel id "
        f"is needed; {USER_FIX}; or {CHANNEL_FIX}"
    )


def command_owner_problems(
    destination: str, channels: Sequence[str], others: Sequence[OwnerLike]
) -> list[str]:
    """What `/lastmile owners add` must refuse, by the owners file's rules.

    Ids, not names or emails, and no channel claimed by another owner.
    """
    problems = [p for p in [destination_problem(destination)] if p]
    problems += [p for channel in channels if (p := channel_id_problem(channel))]
    for channel in channels:
        taken = [o.name for o in others if channel in o.channels]
        if taken:
            problems.append(
                f"{channel} is already claimed by owner {taken[0]!r}; a channel has one owner"
            )
    return problems


class OwnerLike(Protocol):
    """What the duplicate-channel check reads of an existing owner."""

    name: str
    channels: list[str]
