"""A reporter answers "Is this right now?"; a "No" reopens the theme and tells its owner.

Also the owner's message when a new flag reopens a fixed theme (bot/digest/fix_watch.py).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.digest.fix_watch import Reopened, record_reply
from bot.vocabulary import FixReply
from handlers.digest.actions import DigestActions, Json, id_from

log = logging.getLogger(__name__)
THANKS = {
    FixReply.RIGHT: "Thanks for confirming. :+1:",
    FixReply.WRONG: "Thanks: the owners are told it is still wrong, and the theme is open again.",
}


def tell_owner(client: WebClient, reopened: Reopened) -> None:
    """DM the owner (or post in the owner's channel) that a fixed theme failed again."""
    owner = reopened.owner
    if owner is None or not owner.slack_id:
        log.warning("theme %s reopened, but it has no owner to tell", reopened.theme.id)
        return
    try:
        channel = owner.slack_id
        if channel.startswith(("U", "W")):
            channel = str(client.conversations_open(users=channel)["channel"]["id"])
        client.chat_postMessage(channel=channel, text=reopened.text)
    except SlackApiError as err:
        log.warning("telling the owner of a reopened theme failed: %s", err.response.get("error"))


class FixReplies(DigestActions):
    """The Yes / No buttons under a reporter's fix notice."""

    def on_right(self, ack: Ack, body: Json, client: WebClient) -> None:
        """The reporter says the new answer is right: a confirmation of the fix."""
        self._reply(ack, body, client, FixReply.RIGHT)

    def on_wrong(self, ack: Ack, body: Json, client: WebClient) -> None:
        """The reporter says it is still wrong: reopen the theme and tell its owner."""
        self._reply(ack, body, client, FixReply.WRONG)

    def _reply(self, ack: Ack, body: Json, client: WebClient, reply: FixReply) -> None:
        ack()
        notice_id = id_from(body["actions"][0].get("value"))
        user = str(body["user"]["id"])
        result = record_reply(self.store, notice_id, user, reply) if notice_id else None
        if result is None:
            self._tell(client, body, "Only the person who flagged this answer can reply here.")
            return
        if not result.changed:
            self._tell(client, body, "You already answered this one; your first answer stands.")
            return
        if result.reopened is not None:
            tell_owner(client, result.reopened)
        self._thank(client, body, reply)

    def _thank(self, client: WebClient, body: Json, reply: FixReply) -> None:
        """Replace the buttons with the reply, so the message shows what was said."""
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        if not channel or not message.get("ts"):
            return
        kept = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        done = ContextBlock(elements=[MarkdownTextObject(text=THANKS[reply])]).to_dict()
        try:
            client.chat_update(
                channel=channel, ts=message["ts"], text=message.get("text") or THANKS[reply],
                blocks=[*kept, done],
            )  # fmt: skip
        except SlackApiError as err:
            log.warning("updating a fix notice failed: %s", err.response.get("error"))
