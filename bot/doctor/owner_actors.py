"""Owners nobody can act for: a channel destination with no members and no user groups.

A digest posted to a channel is read by everyone in it, but its buttons answer only the owner's
people. An owner whose destination is a channel has no person of its own, so without `members`
or `usergroups` only admins could approve, mark fixed or hide an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.doctor.report import Check, warn
from bot.owners import is_channel_id

FIX = 'Add members = ["U..."] or usergroups = ["S..."] to that owner (docs/owners.md).'


class Actors(Protocol):
    """What the check reads of an owner (a file entry or a stored row)."""

    @property
    def name(self) -> str: ...
    @property
    def slack_id(self) -> str: ...
    @property
    def members(self) -> Sequence[str]: ...
    @property
    def member_groups(self) -> Sequence[str]: ...


def check_who_can_act(owners: Sequence[Actors]) -> list[Check]:
    """One WARN per channel owner with no members and no user groups."""
    return [
        warn(
            "owners",
            f"{owner.name} posts in {owner.slack_id} but lists no members or usergroups: "
            "nobody but admins can press its digest and urgent-ping buttons",
            FIX,
        )
        for owner in owners
        if is_channel_id(owner.slack_id) and not owner.members and not owner.member_groups
    ]
