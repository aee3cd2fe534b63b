""" "Get help from a person": who an answer is handed to, and the hand-off's lifecycle rules.

The target is, in order: the channel's `handoff` rule in the workspace file, the answer's
owner's `helpers` (owners file), the owner's own destination (`slack`). A user group (S...)
gets one DM per member (at most `MAX_HELPER_DMS`); a channel gets one post; a person a DM.
Slack-free: handlers/handoff posts and updates the messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.feedback.answer_owner import answer_owner
from bot.owners import GroupMembers, can_act
from bot.runtime import Runtime
from bot.vocabulary import HandoffStatus
from storage.models import Answer, Handoff

MAX_HELPER_DMS = 10


@dataclass(frozen=True)
class HandoffTarget:
    """Who is asked: a destination id, the owner behind it (if any) and how to name them."""

    destination: str
    owner_id: int | None
    label: str  # "IT's helpers", said to the asker


def handoff_target(runtime: Runtime, answer: Answer) -> HandoffTarget | None:
    """Where this answer's hand-off goes; None when nobody is set up to take it."""
    owner = answer_owner(runtime, answer)
    rule = runtime.workspace.channel(answer.channel_id).handoff
    name = owner.name if owner else "this channel"
    if rule:
        return HandoffTarget(rule, owner.id if owner else None, f"the helpers for {name}")
    if owner is None:
        return None
    if owner.helpers:
        return HandoffTarget(owner.helpers, owner.id, f"{owner.name}'s helpers")
    return HandoffTarget(owner.slack_id, owner.id, owner.name)


def recipients(destination: str, groups: GroupMembers) -> list[str]:
    """Who gets a copy: each member of a user group (by DM), else the channel or person."""
    if destination.startswith("S"):
        return sorted(groups.members_of(destination))[:MAX_HELPER_DMS]
    return [destination]


def start_handoff(
    runtime: Runtime, answer: Answer, asked_by: str, target: HandoffTarget
) -> tuple[Handoff, bool]:
    """The answer's hand-off, created on the first click; (row, created)."""
    assert answer.id is not None
    row = Handoff(
        answer_id=answer.id,
        question_id=answer.question_id,
        owner_id=target.owner_id,
        channel_id=answer.channel_id,
        message_ts=answer.message_ts or "",
        asked_by=asked_by,
        destination=target.destination,
        created_at=runtime.store.now(),
    )
    return runtime.store.open_handoff(row)


def may_resolve(
    runtime: Runtime, handoff: Handoff, user_id: str, groups: GroupMembers | None
) -> bool:
    """The helper who took it; before anyone took it, anyone it was sent to (checked by the
    caller: the click came from their copy); the owner's people and admins always."""
    if handoff.status == HandoffStatus.OPEN or user_id == handoff.claimed_by:
        return True
    if user_id in runtime.settings.admins:
        return True
    owner = runtime.store.get_owner(handoff.owner_id) if handoff.owner_id else None
    return owner is not None and can_act(owner, user_id, runtime.settings.admins, groups)


def helper_reply(messages: Sequence[Mapping[str, Any]], helper: str, after_ts: str) -> str | None:
    """The helper's last reply in the answer's thread after the answer, if they wrote one."""
    replies = [
        str(m.get("text") or "")
        for m in messages
        if m.get("user") == helper and not m.get("bot_id") and float(m["ts"]) > float(after_ts)
    ]
    return next((text for text in reversed(replies) if text.strip()), None)
