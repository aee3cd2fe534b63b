"""Digest button: mark a theme fixed, checked first.

Pressing Mark fixed replays the theme's flagged questions (bot/digest/fix_check.py) and shows
the owner, ephemerally, how many now pass, how many changed but can't be checked and which
still get the flagged answer, with a Confirm button (handlers/digest/fix_confirm.py). Nothing
is marked and nobody is told until the owner confirms.
"""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.digest.fix_check import check_fix, fix_judge
from bot.mrkdwn import escape, truncate
from handlers.digest.actions import DigestActions, Json, id_from
from handlers.digest.fix_blocks import check_blocks, check_summary
from handlers.digest.message_state import clicked_message


class MarkFixed(DigestActions):
    """The mark-fixed button's listener."""

    def on_fixed(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Replay the theme's flagged questions and ask the owner to confirm what they show."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        theme = self._owned_theme(client, body, theme_id, "That theme no longer exists.")
        if theme is None or theme_id is None:
            return
        label = truncate(escape(theme.label), 150)
        # With a model this takes a while (each question is answered and judged): say so first.
        self._tell(client, body, f"Checking *{label}*: asking its flagged questions again…")
        result = check_fix(
            self.runtime, theme_id, by=body["user"]["id"], judge=fix_judge(self.runtime)
        )
        where = clicked_message(body)
        if where is not None:  # Confirm (on an ephemeral message) updates this digest message
            self.store.set_fix_check_digest(result.check_id, channel=where.channel, ts=where.ts)
        text = f"Checked *{label}* before marking it fixed: {check_summary(result)}."
        channel = (body.get("channel") or {}).get("id") or body["user"]["id"]
        client.chat_postEphemeral(
            channel=channel, user=body["user"]["id"], text=text, blocks=check_blocks(result, theme)
        )
