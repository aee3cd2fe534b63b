"""The row of owner actions under each digest theme (and its state once an owner acted)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, UserSelectElement

from bot.digest.model import ThemeDigest
from bot.vocabulary import ActionId


def theme_actions(theme: ThemeDigest) -> ActionsBlock:
    """Mark fixed, Snooze, Assign: block id `act:<theme id>` (message updates find it by that)."""
    value = str(theme.theme_id)
    return ActionsBlock(
        block_id=f"act:{theme.theme_id}",
        elements=[
            ButtonElement(text="Mark fixed", action_id=ActionId.MARK_FIXED, value=value),
            ButtonElement(text="Snooze a week", action_id=ActionId.SNOOZE_THEME, value=value),
            UserSelectElement(
                placeholder="Assign to…",
                action_id=ActionId.ASSIGN_THEME,
                initial_user=theme.assignee,
            ),
        ],
    )
