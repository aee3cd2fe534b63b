"""The coalesced urgent ping: one message listing every pending urgent report of an owner.

Each report shows the question (escaped), why it is urgent, how many distinct people reported
it, a button to open the answer in its thread and one to hide the answer from everyone else.
A user destination gets it by DM (conversations.open); a channel destination in that channel.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    SectionBlock,
)

from bot.feedback.urgent import UrgentBatch
from bot.mrkdwn import escape, truncate
from bot.owners import is_user_id
from bot.vocabulary import REASON_LABELS, ActionId
from handlers.answer_blocks import OWNER_HIDE_CONFIRM
from storage.queries.urgent import UrgentRow

QUESTION_EXCERPT = 300
MAX_LISTED = 15  # 3 blocks each, under Slack's 50 blocks per message
HIDE_CONFIRM = OWNER_HIDE_CONFIRM  # the same question wherever an answer is hidden


def why_label(reason: str) -> str:
    """`Unsafe or inappropriate` for `unsafe`; the stored phrase (`3 people reported it`) else."""
    return REASON_LABELS.get(reason, reason) if reason == "unsafe" else reason


def ping_text(batch: UrgentBatch) -> str:
    """The notification text: how many urgent reports, for whom."""
    count = len(batch.rows)
    return f":rotating_light: {count} urgent report{'s' if count != 1 else ''}: please check now."


def report_blocks(row: UrgentRow, link: str) -> list[Block]:
    """One urgent report: question, why, people; open and hide buttons."""
    answer_id = str(row.answer.id)
    people = f"{row.people} {'person' if row.people == 1 else 'people'}"
    text = (
        f"*{escape(truncate(row.question, QUESTION_EXCERPT))}*\n"
        f"{escape(why_label(row.ping.reason))} · reported by {people}"
    )
    open_button = ButtonElement(
        text="Open the thread", action_id=ActionId.URGENT_OPEN, url=link, value=answer_id
    )
    hide = ButtonElement(
        text="Hide the answer",
        action_id=ActionId.URGENT_HIDE,
        value=answer_id,
        style="danger",
        confirm=HIDE_CONFIRM,
    )
    block_id = f"lastmile_urgent_{answer_id}"
    return [SectionBlock(text=text), ActionsBlock(block_id=block_id, elements=[open_button, hide])]


def ping_blocks(batch: UrgentBatch, links: dict[int, str]) -> list[Block]:
    """The whole message: a heading, then each report (the oldest first)."""
    listed = batch.rows[:MAX_LISTED]
    blocks: list[Block] = [SectionBlock(text=ping_text(batch))]
    for row in listed:
        blocks += report_blocks(row, links.get(row.answer.id or 0, ""))
    if len(batch.rows) > len(listed):
        blocks.append(SectionBlock(text=f"…and {len(batch.rows) - len(listed)} more."))
    return blocks


class SlackUrgentSender:
    """Posts an UrgentBatch: to the channel itself, or to the DM with a user."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def __call__(self, batch: UrgentBatch) -> tuple[str, str]:
        """Post it; returns (channel, ts). SlackApiError propagates: the rows stay pending."""
        channel = batch.destination
        if is_user_id(channel):  # a channel owner is posted to, never "opened" as a user
            channel = str(self.client.conversations_open(users=channel)["channel"]["id"])
        links = {row.answer.id or 0: self.link(row) for row in batch.rows}
        posted = self.client.chat_postMessage(
            channel=channel, text=ping_text(batch), blocks=ping_blocks(batch, links)
        )
        return str(posted["channel"]), str(posted["ts"])

    def link(self, row: UrgentRow) -> str:
        """The answer's permalink, or a link to its channel when Slack gives none."""
        answer = row.answer
        try:
            found = self.client.chat_getPermalink(
                channel=answer.channel_id, message_ts=answer.message_ts or ""
            )
            return str(found["permalink"])
        except (SlackApiError, KeyError):
            return f"https://slack.com/app_redirect?channel={answer.channel_id}"
