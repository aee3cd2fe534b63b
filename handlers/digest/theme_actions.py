"""The row of owner actions under each digest theme, and its state once an owner acted.

Block ids are what message updates find: `act:<theme id>` is the row (buttons, or the Undo
once fixed or won't fix), `state:<theme id>` the context line saying who did what and when,
`fix:<feedback id>` a proposed correction (its accessory: Approve, or Undo once approved) and
`approved:<feedback id>` the line under it.
"""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    UserSelectElement,
)

from bot.digest.model import ThemeDigest
from bot.digest.owner_actions import state_line
from bot.vocabulary import ActionId, ThemeStatus
from storage.models import Theme

SNOOZE_CONFIRM = ConfirmObject(
    title="Snooze this theme?",
    text="It leaves next week's digest. Snoozing can't be undone from here.",
    confirm="Snooze a week",
    deny="Cancel",
)
UNDO_ACTION = {ThemeStatus.FIXED: ActionId.UNDO_FIXED, ThemeStatus.WONT_FIX: ActionId.UNDO_WONT_FIX}


def open_actions(theme_id: int, assignee: str | None) -> ActionsBlock:
    """Mark fixed, Won't fix, Snooze, Assign on an open theme."""
    value = str(theme_id)
    return ActionsBlock(
        block_id=f"act:{theme_id}",
        elements=[
            ButtonElement(text="Mark fixed", action_id=ActionId.MARK_FIXED, value=value),
            ButtonElement(text="Won't fix", action_id=ActionId.WONT_FIX, value=value),
            ButtonElement(
                text="Snooze a week",
                action_id=ActionId.SNOOZE_THEME,
                value=value,
                confirm=SNOOZE_CONFIRM,
            ),  # fmt: skip
            UserSelectElement(
                placeholder="Assign to…", action_id=ActionId.ASSIGN_THEME, initial_user=assignee
            ),
        ],
    )


def theme_actions(theme: ThemeDigest) -> ActionsBlock:
    """The row under a theme as the digest is posted: block id `act:<theme id>`."""
    return open_actions(theme.theme_id, theme.assignee)


def state_context(block_id: str, text: str) -> ContextBlock:
    """A context line with an action's new state (`Approved by <@U123>, 10:42`)."""
    return ContextBlock(block_id=block_id, elements=[MarkdownTextObject(text=text)])


def theme_state_blocks(theme: Theme, zone: tzinfo, note: str = "") -> list[Block]:
    """The state line, then the buttons the theme has now: Undo when fixed or won't fix."""
    assert theme.id is not None
    line = state_line(theme, zone) if theme.status != ThemeStatus.OPEN or not note else note
    blocks: list[Block] = [state_context(f"state:{theme.id}", line)] if line else []
    undo = UNDO_ACTION.get(ThemeStatus(theme.status)) if theme.status in UNDO_ACTION else None
    if undo is None:
        return [*blocks, open_actions(theme.id, theme.assignee)]
    button = ButtonElement(text="Undo", action_id=undo, value=str(theme.id))
    return [*blocks, ActionsBlock(block_id=f"act:{theme.id}", elements=[button])]


def approve_button(feedback_id: int) -> ButtonElement:
    """The Approve accessory of a proposed correction."""
    return ButtonElement(
        text="Approve", action_id=ActionId.APPROVE_CORRECTION, value=str(feedback_id),
        style="primary",
    )  # fmt: skip


def undo_approve_button(feedback_id: int) -> ButtonElement:
    """The accessory of an approved correction: stop serving it."""
    return ButtonElement(text="Undo", action_id=ActionId.UNDO_APPROVE, value=str(feedback_id))
