"""Undo on the digest message: approve (retire the verified answer), mark fixed, won't fix.

Undoing a fix tells only the reporters who were already sent "it was fixed" (in the DM that
told them); nobody who was never told hears anything (bot/digest/owner_actions.py).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest.owner_actions import ToldReporter, undo_approve, undo_fixed, undo_wont_fix
from bot.mrkdwn import escape, truncate
from bot.runtime import Runtime
from bot.vocabulary import ActionId
from handlers.digest.actions import Json, id_from
from handlers.digest.approve import ApproveCorrection
from handlers.digest.message_state import clicked_message
from handlers.digest.wont_fix import WontFix

log = logging.getLogger(__name__)


def reopened_text(label: str) -> str:
    """What a reporter who was told "fixed" is told when the owner undoes the fix."""
    return (
        f"Update on *{label}*: its owner undid the fix, so the theme is open again and the "
        "answer above may still be wrong. You'll hear from lastmile when it is fixed."
    )


class Undo(ApproveCorrection):
    """The Undo buttons the digest shows after approve, mark fixed and won't fix."""

    def on_undo_fixed(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Reopen a fixed theme; tell the reporters who were told it was fixed."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        if theme_id is None or not self._allowed(client, body, self._owner_of_theme(theme_id)):
            return
        user = body["user"]["id"]
        undone = undo_fixed(self.runtime, theme_id, by=user)
        if undone is None:
            self._tell(client, body, "That theme is not marked fixed any more: nothing changed.")
        else:
            label = truncate(escape(undone.theme.label), 150)
            told = sum(self._tell_reporter(client, r, label) for r in undone.told)
            self._tell(client, body, f"Reopened *{label}*; told {told} reporter(s) who had "
                       "been told it was fixed.")  # fmt: skip
        self._show_theme(client, user, clicked_message(body), theme_id)

    def on_undo_wont_fix(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Open a won't-fix theme again."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        if theme_id is None or not self._allowed(client, body, self._owner_of_theme(theme_id)):
            return
        user = body["user"]["id"]
        theme = undo_wont_fix(self.runtime, theme_id, by=user)
        if theme is None:
            self._tell(client, body, "That theme is not closed as won't fix: nothing changed.")
        else:
            self._tell(client, body, f"Reopened *{truncate(escape(theme.label), 150)}*.")
        self._show_theme(client, user, clicked_message(body), theme_id)

    def on_undo_approve(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Retire the verified answer an approval created: lastmile stops serving it."""
        ack()
        feedback_id = id_from(body["actions"][0].get("value"))
        feedback = self.store.get_feedback(feedback_id) if feedback_id is not None else None
        if feedback is None or feedback_id is None:
            self._tell(client, body, "That correction no longer exists.")
            return
        if not self._allowed(client, body, self._owner_of_feedback(feedback)):
            return
        user = body["user"]["id"]
        verified = undo_approve(self.runtime, feedback_id, by=user)
        if verified is None:
            self._tell(client, body, "That correction is not being served: nothing changed.")
        else:
            question = truncate(escape(verified.question), 200)
            self._tell(client, body, f"Undone: lastmile no longer serves it for *{question}*.")
        self.show_approval(client, user, clicked_message(body), feedback_id)

    def _tell_reporter(self, client: WebClient, told: ToldReporter, label: str) -> bool:
        try:
            client.chat_postMessage(
                channel=told.channel_id, thread_ts=told.message_ts, reply_broadcast=True,
                text=reopened_text(label),
            )  # fmt: skip
        except SlackApiError as err:
            log.warning("telling a reporter of an undone fix failed: %s", err.response.get("error"))
            return False
        return True


def register_owner_actions(app: App, runtime: Runtime) -> None:
    """Register Won't fix (button and modal) and the three Undo buttons."""
    wont_fix, undo = WontFix(runtime), Undo(runtime)
    app.action(ActionId.WONT_FIX)(wont_fix.on_wont_fix)
    app.view_submission(ActionId.WONT_FIX_MODAL)(wont_fix.on_submit)
    app.action(ActionId.UNDO_FIXED)(undo.on_undo_fixed)
    app.action(ActionId.UNDO_WONT_FIX)(undo.on_undo_wont_fix)
    app.action(ActionId.UNDO_APPROVE)(undo.on_undo_approve)
