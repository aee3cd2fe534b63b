"""Digest button: mark a theme fixed, and tell the people who flagged its failures."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.mrkdwn import escape, truncate
from handlers.digest.actions import DigestActions, Json, id_from


class MarkFixed(DigestActions):
    """The mark-fixed button's listener."""

    def on_fixed(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Mark a theme fixed and tell everyone who flagged its failures, once."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        theme = self.store.get_theme(theme_id) if theme_id is not None else None
        if theme is None or theme_id is None:
            self._tell(client, body, "That theme no longer exists.")
            return
        if not self._allowed(client, body, self._owner_of_theme(theme_id)):
            return
        self.store.mark_theme_fixed(theme_id, by=body["user"]["id"])
        told = 0
        for user_id, question, _channel, _ts in self.store.claim_fixed_notifications(theme_id):
            text = (
                "Thanks for flagging a lastmile answer. The answer you flagged was fixed: "
                f"_{truncate(escape(' '.join(question.split())), 200)}_. Ask again any time."
            )
            client.chat_postMessage(channel=user_id, text=text)
            told += 1
        label = truncate(escape(theme.label), 150)
        self._tell(client, body, f"Marked *{label}* fixed; told {told} person(s) who flagged it.")
