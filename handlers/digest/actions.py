"""Digest buttons: assign a theme, snooze it; the shared owner check for every digest action.

Only the theme's owner may act: the owner's Slack user, its listed members, or an admin.
Anyone else who can see the message (an owner channel, a forwarded digest) gets a polite
ephemeral refusal. Ids in button values are only keys: what they point at is re-read here.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.digest.period import week_containing
from bot.mrkdwn import escape, truncate
from bot.owners import can_act
from bot.runtime import Runtime
from bot.vocabulary import ActionId
from storage.models import Owner

Json = dict[str, Any]
log = logging.getLogger(__name__)


def id_from(value: object) -> int | None:
    """The id at the end of a button value or block id ("fix:42" -> 42), else None."""
    try:
        return int(str(value).split(":")[-1])
    except ValueError:
        return None


class DigestActions:
    """The digest's listeners share this: the runtime, the owner check, the ephemeral reply.

    Approving a correction lives in handlers/digest/approve.py and marking a theme fixed in
    handlers/digest/mark_fixed.py; assigning and snoozing are here.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.store = runtime.store

    def _tell(self, client: WebClient, body: Json, text: str) -> None:
        channel = (body.get("channel") or {}).get("id") or body["user"]["id"]
        client.chat_postEphemeral(channel=channel, user=body["user"]["id"], text=text)

    def _owner_of_theme(self, theme_id: int | None) -> Owner | None:
        theme = self.store.get_theme(theme_id) if theme_id is not None else None
        if theme is None or theme.owner_id is None:
            return None
        return self.store.get_owner(theme.owner_id)

    def _allowed(self, client: WebClient, body: Json, owner: Owner | None) -> bool:
        user = body["user"]["id"]
        admins = self.runtime.settings.admins
        if owner is not None and can_act(owner, user, admins):
            return True
        if owner is None and user in admins:
            return True
        whose = f"*{escape(owner.name)}*" if owner else "its owner"
        self._tell(
            client, body, f"Sorry, only {whose} (or a lastmile admin) can act on this digest."
        )
        return False

    def on_assign(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Assign a theme to the selected user and let them know."""
        ack()
        action = body["actions"][0]
        theme_id = id_from(action.get("block_id"))
        theme = self.store.get_theme(theme_id) if theme_id is not None else None
        assignee = action.get("selected_user")
        if theme is None or theme_id is None or not assignee:
            return
        if not self._allowed(client, body, self._owner_of_theme(theme_id)):
            return
        self.store.assign_theme(theme_id, assignee)
        label = truncate(escape(theme.label), 150)
        by = body["user"]["id"]
        client.chat_postMessage(
            channel=assignee, text=f"<@{by}> assigned you the lastmile theme *{label}*."
        )
        self._tell(client, body, f"Assigned *{label}* to <@{assignee}>.")

    def on_snooze(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Hide a theme from the next digest (snoozed until the end of the current week)."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        theme = self.store.get_theme(theme_id) if theme_id is not None else None
        if theme is None or theme_id is None:
            return
        if not self._allowed(client, body, self._owner_of_theme(theme_id)):
            return
        week = week_containing(self.runtime.clock(), self.runtime.settings.timezone)
        self.store.snooze_theme(theme_id, week.end)
        label = truncate(escape(theme.label), 150)
        self._tell(client, body, f"Snoozed *{label}*: it skips next week's digest.")


def register_actions(app: App, runtime: Runtime) -> None:
    """Register the digest buttons."""
    from handlers.digest.approve import ApproveCorrection
    from handlers.digest.fix_confirm import ConfirmFixed
    from handlers.digest.fix_reply import FixReplies, tell_owner
    from handlers.digest.mark_fixed import MarkFixed
    from handlers.feedback import feedback_context

    actions = DigestActions(runtime)
    app.action(ActionId.APPROVE_CORRECTION)(ApproveCorrection(runtime).on_approve)
    app.action(ActionId.MARK_FIXED)(MarkFixed(runtime).on_fixed)
    app.action(ActionId.CONFIRM_FIXED)(ConfirmFixed(runtime).on_confirm)
    replies, recorder = FixReplies(runtime), feedback_context(runtime, app.client).recorder
    app.action(ActionId.FIX_RIGHT)(replies.on_right)
    app.action(ActionId.FIX_WRONG)(replies.on_wrong)
    recorder.on_reopened = lambda reopened: tell_owner(app.client, reopened)
    app.action(ActionId.ASSIGN_THEME)(actions.on_assign)
    app.action(ActionId.SNOOZE_THEME)(actions.on_snooze)
