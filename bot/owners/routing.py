"""Routing: which one owner a failure (or a question) belongs to.

Routing sends each failure to exactly one owner: the first owner (in file order) whose
`channels` holds the question's channel, else the first whose `topics` match words of the
question (rapidfuzz, so "payroll" matches "Payroll?" and "vacations"), else the default owner.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.owners.spec import OwnerStore

if TYPE_CHECKING:  # annotations only: reading owners must not load the ORM
    from storage.models import Owner

TOPIC_MATCH_SCORE = 85.0
"""rapidfuzz ratio of a topic word against a question word: "vacation"/"vacations" scores 94,
"payroll"/"pay" 60 and "vacation"/"location" 75, so plurals and typos match, other words don't."""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def topic_matches(topic: str, question: str) -> bool:
    """True when every word of `topic` is close to some word of the question."""
    words = _words(question)
    wanted = _words(topic)
    return bool(wanted) and all(
        any(fuzz.ratio(part, word) >= TOPIC_MATCH_SCORE for word in words) for part in wanted
    )


def choose_owner(owners: Sequence[Owner], channel_id: str, question: str) -> Owner | None:
    """The one owner of a failure: channel match, then topic match, then the default."""
    for owner in owners:
        if channel_id and channel_id in owner.channels:
            return owner
    for owner in owners:
        if any(topic_matches(topic, question) for topic in owner.topics):
            return owner
    return next((owner for owner in owners if owner.is_default), None)


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


def can_act(owner: Owner, user_id: str, admins: Sequence[str]) -> bool:
    """Only the owner (its Slack user), its members and admins may act on its digest."""
    return user_id == owner.slack_id or user_id in owner.members or user_id in admins
