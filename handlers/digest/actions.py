"""Digest buttons: approve a correction, mark a theme fixed, assign it, snooze it.

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


def _int(value: object) -> int | None:
    try:
        return int(str(value).split(":")[-1])
    except ValueError:
        return None


class DigestActions:
    """The four listeners, sharing the runtime and the owner check."""

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

    def on_approve(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Approve a proposed correction: it becomes an active verified answer."""
        ack()
        feedback_id = _int(body["actions"][0].get("value"))
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

    def on_fixed(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Mark a theme fixed and tell everyone who flagged its failures, once."""
        ack()
        theme_id = _int(body["actions"][0].get("value"))
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

    def on_assign(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Assign a theme to the selected user and let them know."""
        ack()
        action = body["actions"][0]
        theme_id = _int(action.get("block_id"))
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
        theme_id = _int(body["actions"][0].get("value"))
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
    actions = DigestActions(runtime)
    app.action(ActionId.APPROVE_CORRECTION)(actions.on_approve)
    app.action(ActionId.MARK_FIXED)(actions.on_fixed)
    app.action(ActionId.ASSIGN_THEME)(actions.on_assign)
    app.action(ActionId.SNOOZE_THEME)(actions.on_snooze)
