"""Digest button: close a theme as won't fix, with an optional reason, from a modal.

The modal carries the digest message (`private_metadata`: channel, ts, theme id), so the
submission can replace the theme's buttons with "Won't fix: <reason> — <@U…>, 10:42" and Undo.
"""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, SectionBlock
from slack_sdk.models.views import View

from bot.digest.owner_actions import REASON_MAX, mark_wont_fix
from bot.mrkdwn import escape, truncate
from bot.vocabulary import ActionId, ModalBlock
from handlers.digest.actions import DigestActions, Json, id_from
from handlers.digest.message_state import clicked_message, from_metadata
from storage.models import Theme


def wont_fix_modal(theme: Theme, metadata: str) -> View:
    """Why this theme won't be fixed (optional); the digest then says so to co-owners."""
    label = truncate(escape(" ".join(theme.label.split())), 200)
    reason = PlainTextInputElement(
        action_id=ModalBlock.REASON, multiline=True, max_length=REASON_MAX,
        placeholder="e.g. The policy is right; people ask the wrong team",
    )  # fmt: skip
    return View(
        type="modal", callback_id=ActionId.WONT_FIX_MODAL, title="Won't fix",
        submit="Won't fix", close="Cancel", private_metadata=metadata,
        blocks=[
            SectionBlock(text=f"*{label}* leaves the open themes. Undo reopens it."),
            InputBlock(block_id=ModalBlock.REASON, label="Reason (optional)", optional=True,
                       element=reason),
        ],
    )  # fmt: skip


class WontFix(DigestActions):
    """The Won't fix button and its modal."""

    def on_wont_fix(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Open the reason modal first (the trigger id lasts 3 seconds), owners only."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        theme = self._owned_theme(client, body, theme_id, "That theme no longer exists.")
        if theme is None or theme_id is None:
            return
        where = clicked_message(body)
        metadata = f"{where.metadata}:{theme_id}" if where is not None else str(theme_id)
        client.views_open(trigger_id=body["trigger_id"], view=wont_fix_modal(theme, metadata))

    def on_submit(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Store won't fix with the reason, who and when; update the digest message."""
        view, user = body["view"], body["user"]["id"]
        theme_id = id_from(view.get("private_metadata"))
        owner = self._owner_of_theme(theme_id)
        if theme_id is None or not self._may_act(owner, user, client):
            ack(response_action="errors", errors={ModalBlock.REASON: "You can't close this theme."})
            return
        ack()
        field = view["state"]["values"].get(ModalBlock.REASON, {}).get(ModalBlock.REASON) or {}
        theme = mark_wont_fix(self.runtime, theme_id, by=user, reason=str(field.get("value") or ""))
        where = from_metadata(view.get("private_metadata"))
        channel = where.channel if where is not None else user
        if theme is None:
            self._tell_in(client, channel, user, "That theme is no longer open: nothing changed.")
            return
        label = truncate(escape(theme.label), 150)
        self._tell_in(client, channel, user, f"Closed *{label}* as won't fix. Undo reopens it.")
        self._show_theme(client, user, where, theme_id)
