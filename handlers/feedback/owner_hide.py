"""The owner-only "Hide this answer" icon on an answer: checked again here, whoever saw it.

Slack shows the icon only to the people in its `visible_to_user_ids`, but a click's payload can
be sent by anyone who has the message, so the clicker is checked against the answer's owner
(`bot.feedback.answer_owner.may_act_on_answer`) before anything changes. A hidden answer's
message is replaced for everyone with a notice (its text stays in lastmile's records) and the
clicker is told, privately, in the thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import SectionBlock

from bot.feedback.answer_owner import may_act_on_answer, people_for_question
from bot.runtime import Runtime
from handlers.feedback.buttons import clicked_message
from handlers.feedback.context import FeedbackContext
from handlers.feedback.urgent_actions import HIDDEN_NOTICE, NOT_YOURS
from handlers.owner_groups import group_members

Body = dict[str, Any]
log = logging.getLogger(__name__)
HIDDEN_TOLD = "Hidden: everyone now sees a notice instead of this answer. Its text is kept."
GONE = (
    "I can't find this answer in lastmile's records yet (it may still be being saved). "
    "Nothing was hidden: try again in a moment."
)


def on_owner_hide(ctx: FeedbackContext, ack: Ack, body: Body, client: WebClient) -> None:
    """Hide the clicked answer if the clicker is one of its owner's people; else say why not."""
    ack()
    runtime = ctx.runtime
    user = str(body["user"]["id"])
    channel, message_ts, thread_ts = clicked_message(body)

    def tell(text: str) -> None:
        ctx.tell(client, channel=channel, user=user, thread_ts=thread_ts, text=text)

    answer = runtime.store.answer_by_message(channel, message_ts) if message_ts else None
    if answer is None or answer.id is None:
        tell(GONE)
        return
    if not may_act_on_answer(runtime, answer, user, group_members(runtime, client)):
        log.info("answer %s: hide refused for %s (not an owner)", answer.id, user)
        tell(NOT_YOURS)
        return
    try:
        client.chat_update(
            channel=channel,
            ts=message_ts,
            text=HIDDEN_NOTICE,
            blocks=[SectionBlock(text=HIDDEN_NOTICE)],
        )
    except SlackApiError as err:
        error = err.response.get("error")
        log.warning("hiding answer %s failed: %s", answer.id, error)
        tell(f"Slack refused to hide it ({error}); try again.")
        return
    log.info("answer %s hidden by %s (owner control)", answer.id, user)
    tell(HIDDEN_TOLD)


def owner_people_for(
    runtime: Runtime, client: WebClient, channel_id: str, question: str
) -> Callable[[], tuple[str, ...]]:
    """Who sees the owner-only controls on this answer, asked when the answer is finished; a
    failure to find out shows no control (never fails the answer)."""

    def people() -> tuple[str, ...]:
        try:
            return people_for_question(
                runtime, channel_id, question, group_members(runtime, client)
            )
        except Exception as error:  # noqa: BLE001 - a display nicety must not lose an answer
            log.warning("owner-only controls left off: %s", type(error).__name__)
            return ()

    return people
