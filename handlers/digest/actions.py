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
from slack_sdk.errors import SlackApiError

from bot.digest.owner_actions import clock_time
from bot.digest.period import week_containing
from bot.mrkdwn import escape, truncate
from bot.owners import can_act, route_owner
from bot.runtime import Runtime
from bot.vocabulary import ActionId
from handlers.digest.assign_notice import notify_assignee
from handlers.digest.message_state import (
    BlocksChange,
    DigestMessage,
    clicked_message,
    replace_blocks,
    update_message,
)
from handlers.digest.theme_actions import theme_state_blocks
from handlers.owner_groups import group_members
from storage.models import Feedback, Owner, Theme

Json = dict[str, Any]
log = logging.getLogger(__name__)
UPDATE_FAILED = "the digest message could not be updated, so co-owners don't see it there yet"


def id_from(value: object) -> int | None:
    """The id at the end of a button value or block id ("fix:42" -> 42), else None."""
    try:
        return int(str(value).split(":")[-1])
    except ValueError:
        return None


class DigestActions:
    """The digest's listeners share this: the runtime, the owner check, the ephemeral reply.

    Approving a correction lives in handlers/digest/approve.py, marking a theme fixed in
    handlers/digest/mark_fixed.py, won't fix and the undos in handlers/digest/wont_fix.py and
    handlers/digest/undo.py; assigning and snoozing are here. After each, the digest message
    shows the new state in place of the buttons (handlers/digest/message_state.py).
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.store = runtime.store

    def _tell(self, client: WebClient, body: Json, text: str) -> None:
        channel = (body.get("channel") or {}).get("id") or body["user"]["id"]
        client.chat_postEphemeral(channel=channel, user=body["user"]["id"], text=text)

    def _owner_of_theme(self, theme_id: int | None) -> Owner | None:
        theme = self.store.get_theme(theme_id) if theme_id is not None else None
        return self._owner_of(theme)

    def _owner_of(self, theme: Theme | None) -> Owner | None:
        if theme is None or theme.owner_id is None:
            return None
        return self.store.get_owner(theme.owner_id)

    def _owner_of_feedback(self, feedback: Feedback) -> Owner | None:
        """A correction's theme's owner; without a theme (an owner's own answer, or a
        correction not clustered yet), the owner its question routes to."""
        if feedback.theme_id is not None:
            return self._owner_of_theme(feedback.theme_id)
        return self._owner_of_answer(feedback.answer_id)

    def _owner_of_answer(self, answer_id: int) -> Owner | None:
        """The owner an answer's question routes to now (channel, topic, default)."""
        answer = self.store.get_answer(answer_id)
        question = self.store.get_question(answer.question_id) if answer else None
        if question is None:
            return None
        return route_owner(self.store, question.channel_id, question.text)

    def _owned_theme(
        self, client: WebClient, body: Json, theme_id: int | None, missing: str | None = None
    ) -> Theme | None:
        """The clicked theme when it exists and the clicker may act on it; else None, after
        telling them why (`missing`, when given, for a theme that no longer exists)."""
        theme = self.store.get_theme(theme_id) if theme_id is not None else None
        if theme is None:
            if missing:
                self._tell(client, body, missing)
            return None
        return theme if self._allowed(client, body, self._owner_of(theme)) else None

    def _allowed(self, client: WebClient, body: Json, owner: Owner | None) -> bool:
        if self._may_act(owner, body["user"]["id"], client):
            return True
        whose = f"*{escape(owner.name)}*" if owner else "its owner"
        self._tell(
            client, body, f"Sorry, only {whose} (or a lastmile admin) can act on this digest."
        )
        return False

    def _may_act(self, owner: Owner | None, user_id: str, client: WebClient) -> bool:
        """The owner check without a reply (a modal submission answers with its errors)."""
        admins = self.runtime.settings.admins
        if owner is None:
            return user_id in admins
        return can_act(owner, user_id, admins, groups=group_members(self.runtime, client))

    def _tell_in(self, client: WebClient, channel: str, user: str, text: str) -> None:
        """An ephemeral reply in a given channel (a modal submission has none of its own)."""
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError as err:  # not in that channel any more: a DM still reaches them
            log.info("ephemeral failed (%s); telling by DM", err.response.get("error"))
            client.chat_postMessage(channel=user, text=text)

    def _refresh(
        self, client: WebClient, user: str, where: DigestMessage | None, change: BlocksChange
    ) -> None:
        """Update the digest message; if that fails the action stands and the owner is told."""
        if where is None:
            return
        error = update_message(client, where, change)
        if error is not None:
            self._tell_in(client, where.channel, user, f"Done, but {UPDATE_FAILED} ({error}).")

    def _show_theme(
        self, client: WebClient, user: str, where: DigestMessage | None, theme_id: int,
        note: str = "",
    ) -> None:  # fmt: skip
        """Replace the theme's buttons with its new state (and Undo where there is one)."""
        theme = self.store.get_theme(theme_id)
        if theme is None:
            return
        new = theme_state_blocks(theme, self.runtime.settings.tzinfo, note)
        ids = {f"state:{theme_id}", f"act:{theme_id}"}
        self._refresh(client, user, where, lambda blocks: replace_blocks(blocks, ids, new))

    def _now(self) -> str:
        return clock_time(self.store.now(), self.runtime.settings.tzinfo)

    def on_assign(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Assign a theme to the selected user, DM them what it is, and show it on the digest."""
        ack()
        action = body["actions"][0]
        theme_id = id_from(action.get("block_id"))
        assignee = action.get("selected_user")
        if not assignee or theme_id is None:
            return
        theme = self._owned_theme(client, body, theme_id)
        if theme is None:
            return
        self.store.assign_theme(theme_id, assignee)
        label = truncate(escape(theme.label), 150)
        by = body["user"]["id"]
        where = clicked_message(body)
        notify_assignee(client, self.store, theme, assignee, by=by, where=where)
        self._tell(client, body, f"Assigned *{label}* to <@{assignee}>.")
        note = f":bust_in_silhouette: Assigned to <@{assignee}> by <@{by}>, {self._now()}"
        self._show_theme(client, by, where, theme_id, note)

    def on_snooze(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Hide a theme from the next digest (snoozed until the end of the current week)."""
        ack()
        theme_id = id_from(body["actions"][0].get("value"))
        theme = self._owned_theme(client, body, theme_id)
        if theme is None or theme_id is None:
            return
        week = week_containing(self.runtime.clock(), self.runtime.settings.timezone)
        self.store.snooze_theme(theme_id, week.end)
        label = truncate(escape(theme.label), 150)
        by = body["user"]["id"]
        self._tell(client, body, f"Snoozed *{label}*: it skips next week's digest.")
        note = f":zzz: Snoozed by <@{by}>, {self._now()}: it skips next week's digest"
        self._show_theme(client, by, clicked_message(body), theme_id, note)


def register_actions(app: App, runtime: Runtime) -> None:
    """Register the digest buttons."""
    from handlers.digest.approve import ApproveCorrection
    from handlers.digest.fix_confirm import ConfirmFixed
    from handlers.digest.fix_reply import FixReplies, tell_owner
    from handlers.digest.mark_fixed import MarkFixed
    from handlers.digest.undo import register_owner_actions
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
    register_owner_actions(app, runtime)
