"""The urgent ping's buttons: Open the thread (a link; nothing to do) and Hide the answer.

Hide replaces the answer's message, for everyone, with a notice (chat.update on the bot's own
message) and marks the report in the ping "hidden by @x". Only the owner's people may hide:
its members, members of its user groups, its DM user, and admins; anyone else is told so.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.owners import can_act
from bot.runtime import Runtime
from bot.vocabulary import ActionId
from handlers.owner_groups import group_members

Body = dict[str, Any]
log = logging.getLogger(__name__)
HIDDEN_NOTICE = (
    ":no_entry_sign: This answer was hidden by the people who look after this assistant "
    "while they check it. Ask again later, or ask a colleague."
)
NOT_YOURS = "Only the owners of this answer's subject can hide it."


def register_urgent(app: App, runtime: Runtime) -> None:
    """Register the urgent ping's buttons; dependencies travel by closure."""

    @app.action(ActionId.URGENT_OPEN)
    def on_urgent_open(ack: Ack) -> None:
        ack()  # a URL button: Slack opens the link; the click still needs an ack

    @app.action(ActionId.URGENT_HIDE)
    def on_urgent_hide(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        hide_answer(runtime, client, body)


def may_hide(runtime: Runtime, client: WebClient, answer_id: int, user: str) -> bool:
    """The clicker is one of the owner's people (the owner the urgent ping was routed to)."""
    admins = runtime.settings.admins
    ping = runtime.store.urgent_ping_for_answer(answer_id)
    owner = runtime.store.get_owner(ping.owner_id) if ping and ping.owner_id else None
    if owner is None:
        return user in admins
    return can_act(owner, user, admins, groups=group_members(runtime, client))


def hide_answer(runtime: Runtime, client: WebClient, body: Body) -> None:
    """Hide the clicked report's answer, then show who hid it in the ping message."""
    user = str(body["user"]["id"])
    channel = str((body.get("container") or {}).get("channel_id") or body["channel"]["id"])
    value = str(body["actions"][0].get("value") or "")
    answer = runtime.store.get_answer(int(value)) if value.isdigit() else None
    if answer is None or answer.id is None or not may_hide(runtime, client, answer.id, user):
        _tell(client, channel, user, NOT_YOURS)
        return
    try:
        client.chat_update(
            channel=answer.channel_id,
            ts=answer.message_ts or "",
            text=HIDDEN_NOTICE,
            blocks=[SectionBlock(text=HIDDEN_NOTICE)],
        )
    except SlackApiError as err:
        error = err.response.get("error")
        log.warning("hiding answer %s failed: %s", answer.id, error)
        _tell(client, channel, user, f"Slack refused to hide the answer ({error}); try again.")
        return
    log.info("answer %s hidden by %s", answer.id, user)
    _mark_hidden(runtime, client, body, answer.id, user)


def _mark_hidden(
    runtime: Runtime, client: WebClient, body: Body, answer_id: int, user: str
) -> None:
    message = body.get("message") or {}
    block_id = f"lastmile_urgent_{answer_id}"
    at = runtime.store.now().strftime("%H:%M UTC")
    note = ContextBlock(
        block_id=block_id,
        elements=[MarkdownTextObject(text=f":no_entry_sign: Answer hidden by <@{user}>, {at}")],
    ).to_dict()
    blocks = [note if b.get("block_id") == block_id else b for b in message.get("blocks") or []]
    try:
        client.chat_update(
            channel=str(body["container"]["channel_id"]),
            ts=str(body["container"]["message_ts"]),
            text=str(message.get("text") or "Urgent reports"),
            blocks=blocks,
        )
    except (SlackApiError, KeyError) as err:
        log.warning("urgent ping not updated after hide: %s", err)


def _tell(client: WebClient, channel: str, user: str, text: str) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError as err:
        log.warning("ephemeral to %s failed: %s", user, err.response.get("error"))
