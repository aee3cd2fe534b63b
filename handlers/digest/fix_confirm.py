"""The owner confirms a checked fix: the theme is marked fixed and its reporters are told.

Each reporter none of whose questions still fails gets a DM with the new answer to their own
question and "Is this right now?" (handlers/digest/fix_reply.py); the others are not told.
The digest message Mark fixed was pressed on then shows "Marked fixed by <@U…>" and an Undo.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest.fix_check import load_fix_check
from bot.digest.fix_confirm import PlannedNotice, confirm_fix, record_notice_sent
from bot.mrkdwn import escape, truncate
from handlers.digest.actions import DigestActions, Json, id_from
from handlers.digest.fix_blocks import notice_blocks, notice_text
from handlers.digest.message_state import DigestMessage

log = logging.getLogger(__name__)


class ConfirmFixed(DigestActions):
    """The Confirm button under a fix check."""

    def on_confirm(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Mark the theme fixed; tell each reporter whose question now passes or changed."""
        ack()
        check_id = id_from(body["actions"][0].get("value"))
        result = load_fix_check(self.runtime, check_id) if check_id is not None else None
        if result is None:
            self._tell(client, body, "That check no longer exists: press Mark fixed again.")
            return
        if not self._allowed(client, body, self._owner_of_theme(result.theme_id)):
            return
        confirmed = confirm_fix(self.runtime, result, by=body["user"]["id"])
        if confirmed is None:
            self._tell(client, body, "That check is out of date: press Mark fixed again.")
            return
        label = truncate(escape(confirmed.theme.label), 150)
        if not confirmed.first:
            row = self.store.get_fix_check(result.check_id)
            undone = row is not None and (row.confirmed_by or "").startswith("undone:")
            again = "That fix was undone: press Mark fixed again for a fresh check."
            self._tell(client, body, again if undone else f"*{label}* was already confirmed "
                       "fixed from this check.")  # fmt: skip
            return
        told = sum(self._send(client, notice) for notice in confirmed.notices)
        check = self.store.get_fix_check(result.check_id)
        if check is not None and check.digest_channel and check.digest_ts:
            where = DigestMessage(check.digest_channel, check.digest_ts)
            self._show_theme(client, body["user"]["id"], where, result.theme_id)
        held = ", ".join(f"<@{user}>" for user in confirmed.held_back)
        text = f"Marked *{label}* fixed; told {told} reporter(s) with their new answer."
        if held:
            text += f" Not told, because their question still gets the flagged answer: {held}."
        self._tell(client, body, text)

    def _send(self, client: WebClient, notice: PlannedNotice) -> bool:
        try:
            dm = client.conversations_open(users=notice.user_id)
            channel = str(dm["channel"]["id"])
            posted = client.chat_postMessage(
                channel=channel, text=notice_text(notice.check),
                blocks=notice_blocks(notice.notice_id, notice.check),
            )  # fmt: skip
        except SlackApiError as err:
            log.warning("fix notice to a reporter failed: %s", err.response.get("error"))
            return False
        record_notice_sent(self.runtime, notice, channel_id=channel, message_ts=str(posted["ts"]))
        return True
