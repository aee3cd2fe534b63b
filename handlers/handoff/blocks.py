"""The helpers' copy of a hand-off: the question, the answer, the thread, and where it stands.

Every copy (a channel post, or one DM per member of a user group) shows the same state; a click
on any copy changes all of them. Question and answer are escaped; nothing in them can ping.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.mrkdwn import quote
from bot.vocabulary import ActionId, HandoffStatus
from storage.models import Handoff

ANSWER_EXCERPT = 600
QUESTION_EXCERPT = 900


def handoff_text(handoff: Handoff, question: str, answer: str, permalink: str | None) -> str:
    """The copy's main section: who asked, the question, lastmile's answer, the thread."""
    where = (
        f"<{permalink}|Open the thread>"
        if permalink and permalink.startswith("https://")
        else "The thread isn't linkable."
    )
    if handoff.channel_id.startswith("D"):
        where = (
            f"It was asked in a private DM with lastmile: reply to <@{handoff.asked_by}> directly "
            "or in this message's thread."
        )
    return (
        f":raising_hand: <@{handoff.asked_by}> asked for a person after lastmile's answer.\n"
        f"*Question*\n{quote(question, QUESTION_EXCERPT)}\n"
        f"*lastmile answered*\n{quote(answer, ANSWER_EXCERPT)}\n{where}"
    )


def status_line(handoff: Handoff, *, can_propose: bool = False) -> str:
    """Where the hand-off stands, said once on every copy."""
    if handoff.status == HandoffStatus.OPEN:
        return ":large_yellow_circle: Open: nobody has taken it yet."
    if handoff.status == HandoffStatus.CLAIMED:
        return f":large_blue_circle: Taken by <@{handoff.claimed_by}>."
    done = f":white_check_mark: Resolved by <@{handoff.resolved_by}>."
    if handoff.correction_feedback_id is not None:
        return done + " Their reply is proposed as a correction (it's in the owner's digest)."
    if can_propose:
        return done + " Their reply in the thread can become a proposed correction."
    return done


def handoff_blocks(main_text: str, handoff: Handoff, *, can_propose: bool = False) -> list[Block]:
    """The whole copy: the main section, the status, and the buttons its state allows."""
    assert handoff.id is not None
    blocks: list[Block] = [
        SectionBlock(block_id="handoff_main", text=MarkdownTextObject(text=main_text)),
        ContextBlock(
            block_id="handoff_status",
            elements=[MarkdownTextObject(text=status_line(handoff, can_propose=can_propose))],
        ),
    ]
    buttons = _buttons(handoff, can_propose=can_propose)
    if buttons:
        blocks.append(ActionsBlock(block_id=f"lastmile_handoff_{handoff.id}", elements=buttons))
    return blocks


def _buttons(handoff: Handoff, *, can_propose: bool) -> list[ButtonElement]:
    value = str(handoff.id)
    take = ButtonElement(
        text="I'll take it", action_id=ActionId.HANDOFF_CLAIM, value=value, style="primary"
    )
    resolve = ButtonElement(text="Resolved", action_id=ActionId.HANDOFF_RESOLVE, value=value)
    propose = ButtonElement(
        text="Propose my reply as the correction",
        action_id=ActionId.HANDOFF_PROPOSE,
        value=value,
    )
    if handoff.status == HandoffStatus.OPEN:
        return [take, resolve]
    if handoff.status == HandoffStatus.CLAIMED:
        return [resolve]
    if can_propose and handoff.correction_feedback_id is None:
        return [propose]
    return []
