"""Block Kit pieces attached to every answer; `feedback_blocks` is the one place controls are built.

The controls' values are labels only. An owner-only "Hide this answer" icon button (Slack's
`visible_to_user_ids`, at most ten people) sits beside the thumbs when the answer has an owner;
who may use it is checked again on the click (handlers/feedback/owner_hide.py). A click is
matched to an answer from the message it sits on (channel + ts, looked up in our own records),
never from a value the client sends back.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextActionsBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
    IconButtonElement,
)

from bot.vocabulary import ActionId, AnswerBlock

VOTE_UP = "up"
VOTE_DOWN = "down"
HIDE_VALUE = "hide"
OWNER_HIDE_CONFIRM = ConfirmObject(
    title="Hide this answer?",
    text="Everyone will see a notice instead of the answer. Its text stays in lastmile's records.",
    confirm="Hide it",
    deny="Cancel",
    style="danger",
)


def owner_hide_button(owner_people: Sequence[str]) -> IconButtonElement:
    """The trash icon (Slack's only icon-button icon), shown only to the owner's people."""
    return IconButtonElement(
        action_id=ActionId.OWNER_HIDE,
        icon="trash",
        text="Hide this answer",
        accessibility_label="Hide this answer from everyone (owners only)",
        value=HIDE_VALUE,
        visible_to_user_ids=list(owner_people),
        confirm=OWNER_HIDE_CONFIRM,
    )


def feedback_blocks(answer_id: int, owner_people: Sequence[str] = ()) -> list[Block]:
    """Thumbs up/down (feedback_buttons) plus "Correct it", "Report" and "Get help from a
    person" for one answer; with
    `owner_people`, the owner-only hide icon beside the thumbs."""
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
            ButtonElement(
                text="Get help from a person", action_id=ActionId.HANDOFF, value="handoff"
            ),
        ],
    )
    context: list[FeedbackButtonsElement | IconButtonElement] = [thumbs]
    if owner_people:
        context.append(owner_hide_button(owner_people))
    return [
        ContextActionsBlock(block_id=AnswerBlock.VOTE.of(answer_id), elements=context),
        buttons,
    ]
