"""Block Kit pieces attached to every answer; `feedback_blocks` is the one place controls are built.

The controls' values are labels only. A click is matched to an answer from the message it sits
on (channel + ts, looked up in our own records), never from a value the client sends back.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextActionsBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
)

from bot.vocabulary import ActionId, AnswerBlock

VOTE_UP = "up"
VOTE_DOWN = "down"


def feedback_blocks(answer_id: int) -> list[Block]:
    """Thumbs up/down (feedback_buttons) plus "Correct it" and "Report" for one answer."""
    thumbs = FeedbackButtonsElement(
        action_id=ActionId.FEEDBACK_BUTTONS,
        positive_button=FeedbackButtonObject(
            text="Good answer", accessibility_label="Mark this answer as helpful", value=VOTE_UP
        ),
        negative_button=FeedbackButtonObject(
            text="Bad answer", accessibility_label="Mark this answer as wrong", value=VOTE_DOWN
        ),
    )
    buttons = ActionsBlock(
        block_id=AnswerBlock.FIX.of(answer_id),
        elements=[
            ButtonElement(text="Correct it", action_id=ActionId.CORRECT_IT, value="correct"),
            ButtonElement(text="Report", action_id=ActionId.REPORT, value="report"),
        ],
    )
    return [
        ContextActionsBlock(block_id=AnswerBlock.VOTE.of(answer_id), elements=[thumbs]),
        buttons,
    ]
