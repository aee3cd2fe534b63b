"""Routing: which one owner a failure (or a question) belongs to, and why.

Routing sends each failure to exactly one owner: the first owner (in file order) whose
`channels` holds the question's channel, else the first whose `topics` match whole words of the
question (word forms: `pay` matches "paid" and "payday"; see bot/owners/words.py), else the
default owner. `explain_route` says which rule decided, for `lastmile owners --explain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from bot.owners.ids import is_user_id
from bot.owners.members import GroupMembers
from bot.owners.spec import OwnerStore
from bot.owners.words import WordMatch, topic_match

if TYPE_CHECKING:  # annotations only: reading owners must not load the ORM
    from storage.models import Owner


class Routable(Protocol):
    """What routing reads of an owner: a stored Owner row or an OwnerSpec from the file."""

    @property
    def name(self) -> str: ...
    @property
    def channels(self) -> Sequence[str]: ...
    @property
    def topics(self) -> Sequence[str]: ...
    @property
    def is_default(self) -> bool: ...


OwnerT = TypeVar("OwnerT", bound=Routable)


def topic_matches(topic: str, question: str) -> bool:
    """True when the topic's words (or word forms) appear in the question, as a phrase."""
    return topic_match(topic, question) is not None


@dataclass(frozen=True)
class Route(Generic[OwnerT]):
    """The owner a question goes to (None: nobody) and the rule that chose it."""

    owner: OwnerT | None
    rule: str  # "channel", "topic", "default" or "none"
    topic: WordMatch | None = None

    def reason(self, channel_id: str) -> str:
        """Why, in words: `channel C1 is theirs`, `topic "pay" matched word "paid"`, ..."""
        if self.rule == "channel":
            return f"channel {channel_id} is in its channels"
        if self.rule == "topic" and self.topic is not None:
            found = self.topic
            words = "words" if " " in found.matched else "word"
            return f'topic "{found.topic}" matched {words} "{found.matched}" ({found.how})'
        if self.rule == "default":
            return "no channel or topic matched, so the default owner"
        return "no channel or topic matched and there is no default owner: nobody"


def explain_route(owners: Sequence[OwnerT], channel_id: str, question: str) -> Route[OwnerT]:
    """The one owner of a question and why: channel match, then topic match, then the default."""
    for owner in owners:
        if channel_id and channel_id in owner.channels:
            return Route(owner, "channel")
    for owner in owners:
        for topic in owner.topics:
            found = topic_match(topic, question)
            if found is not None:
                return Route(owner, "topic", found)
    default = next((owner for owner in owners if owner.is_default), None)
    return Route(default, "default" if default is not None else "none")


def choose_owner(owners: Sequence[Owner], channel_id: str, question: str) -> Owner | None:
    """The one owner of a failure: channel match, then topic match, then the default."""
    return explain_route(owners, channel_id, question).owner


class OwnerRouter:
    """`choose_owner` over a fixed list of owners, computed once per distinct (channel, text)."""

    def __init__(self, owners: Sequence[Owner]) -> None:
        self.owners = owners
        self._cache: dict[tuple[str, str], int | None] = {}

    def owner_id(self, channel_id: str, question: str) -> int | None:
        """The id of the one owner of this question, or None when nobody owns it."""
        key = (channel_id, question)
        if key not in self._cache:
            owner = choose_owner(self.owners, channel_id, question)
            self._cache[key] = owner.id if owner is not None else None
        return self._cache[key]


def route_owner(store: OwnerStore, channel_id: str, question_text: str) -> Owner | None:
    """Route one question (by its channel and text) to its owner, or None if nobody owns it."""
    return choose_owner(store.list_owners(), channel_id, question_text)


def can_act(
    owner: Owner, user_id: str, admins: Sequence[str], groups: GroupMembers | None = None
) -> bool:
    """Only the owner's people may act on its digest and pings: its Slack user (when the
    destination is a DM), its `members`, members of its `usergroups` (when `groups` resolves
    them; without it, or when Slack can't say, listed members only) and admins."""
    if user_id in admins or user_id in owner.members:
        return True
    if user_id == owner.slack_id and is_user_id(user_id):  # a channel is a place, not a person
        return True
    return groups is not None and any(user_id in groups.members_of(g) for g in owner.member_groups)


MAX_VISIBLE_TO = 10
"""Slack's cap on an icon button's `visible_to_user_ids`."""


def owner_people(
    owner: Owner | None, admins: Sequence[str], groups: GroupMembers | None = None
) -> tuple[str, ...]:
    """Who sees an owner-only control on an answer `owner` owns, at most ten people: its Slack
    user (a DM destination), its `members`, its user groups' members, then admins. Anyone past
    ten can still act from the digest and the urgent ping; the server checks `can_act` either
    way, since a control's visibility is a display choice, not a permission."""
    people: list[str] = []
    if owner is not None:
        if is_user_id(owner.slack_id):
            people.append(owner.slack_id)
        people.extend(owner.members)
        if groups is not None:
            for group in owner.member_groups:
                people.extend(sorted(groups.members_of(group)))
    people.extend(admins)
    return tuple(dict.fromkeys(people))[:MAX_VISIBLE_TO]
