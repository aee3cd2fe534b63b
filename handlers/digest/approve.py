"""Digest button: approve a proposed correction, which then becomes a verified answer."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.mrkdwn import escape, truncate
from handlers.digest.actions import DigestActions, Json, id_from


class ApproveCorrection(DigestActions):
    """The approve button's listener."""

    def on_approve(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Approve a proposed correction: it becomes an active verified answer."""
        ack()
        feedback_id = id_from(body["actions"][0].get("value"))
        feedback = self.store.get_feedback(feedback_id) if feedback_id is not None else None
        if feedback is None or feedback_id is None:
            self._tell(client, body, "That correction no longer exists.")
            return
        if not self._allowed(client, body, self._owner_of_theme(feedback.theme_id)):
            return
        user = body["user"]
        result = self.store.approve_correction(
            feedback_id, approved_by=user["id"], approved_by_name=str(user.get("name") or "")
        )
        if result is None:
            self._tell(client, body, "That feedback has no correction text to approve.")
            return
        verified, created = result
        done = "Approved" if created else "Already approved"
        preview = truncate(escape(verified.answer), 300)
        self._tell(client, body, f"{done}: lastmile now answers this question with\n>{preview}")
