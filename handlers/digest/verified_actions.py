"""Owners list, edit, keep and retire their verified answers: `/lastmile verified`, the buttons.

Only the answer's owner (its Slack user or members) or an admin may act; anyone else is told so.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, SectionBlock

from bot.mrkdwn import escape, truncate
from bot.owners import can_act
from bot.runtime import Runtime
from bot.vocabulary import ActionId, ModalBlock
from handlers.digest.actions import DigestActions, Json, id_from
from handlers.digest.approve import ApproveCorrection
from handlers.digest.propose import ProposeAnswer
from handlers.digest.verified_views import edit_modal, verified_blocks
from storage.models import VerifiedAnswer
from storage.queries.base import as_utc

MAX_LISTED = 20
HOME_LISTED = 10


def is_verified_command(body: dict[str, Any]) -> bool:
    """Matcher: this listener takes only `/lastmile verified`."""
    return str(body.get("text") or "").strip().split(" ", 1)[0].lower() == "verified"


def _manageable(runtime: Runtime, user_id: str) -> list[VerifiedAnswer] | None:
    """The active verified answers this user may manage; None when they own nothing."""
    store, admins = runtime.store, runtime.settings.admins
    owned = [o.id for o in store.list_owners() if o.id is not None and can_act(o, user_id, admins)]
    if not owned and user_id not in admins:
        return None
    return store.owner_verified_answers(None if user_id in admins else owned)


def _rows(rows: list[VerifiedAnswer], limit: int) -> list[Block]:
    blocks: list[Block] = []
    for row in rows[:limit]:
        blocks += verified_blocks(row, as_utc(row.checked_at or row.created_at).date())
    return blocks


def list_blocks(runtime: Runtime, user_id: str) -> list[Block]:
    """`/lastmile verified`: the answers this user may manage, newest first, Edit and Retire."""
    rows = _manageable(runtime, user_id)
    if not rows:
        return [SectionBlock(text="You have no active verified answers.")]
    header = SectionBlock(text=f"*Your verified answers* ({len(rows)})")
    return [header, *_rows(rows, MAX_LISTED)]


def verified_section(runtime: Runtime, user_id: str) -> list[Block]:
    """The App Home's owner section; empty for someone who owns nothing."""
    rows = _manageable(runtime, user_id)
    if rows is None:
        return []
    return _rows(rows, HOME_LISTED) or [SectionBlock(text="No active verified answers yet.")]


class VerifiedActions(DigestActions):
    """Keep, Edit (a modal) and Retire on a verified answer."""

    def _tell(self, client: WebClient, body: Json, text: str) -> None:
        if (body.get("channel") or {}).get("id"):
            super()._tell(client, body, text)
        else:  # a click in the App Home has no channel: reply by DM
            client.chat_postMessage(channel=body["user"]["id"], text=text)

    def _verified(self, client: WebClient, body: Json, value: object) -> VerifiedAnswer | None:
        verified_id = id_from(value)
        verified = self.store.get_verified(verified_id) if verified_id is not None else None
        if verified is None or not verified.active:
            self._tell(client, body, "That verified answer is no longer served.")
            return None
        owner = self.store.get_owner(verified.owner_id) if verified.owner_id else None
        return verified if self._allowed(client, body, owner) else None

    def on_keep(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Still true: checked today, asked again after the review period."""
        ack()
        verified = self._verified(client, body, body["actions"][0].get("value"))
        if verified is not None and verified.id is not None:
            self.store.keep_verified(verified.id, by=body["user"]["id"])
            self._tell(client, body, f"Kept: *{truncate(escape(verified.question), 200)}*.")

    def on_retire(self, ack: Ack, body: Json, client: WebClient) -> None:
        """No longer true: never served again."""
        ack()
        verified = self._verified(client, body, body["actions"][0].get("value"))
        if verified is not None and verified.id is not None:
            self.store.retire_verified(verified.id, by=body["user"]["id"])
            question = truncate(escape(verified.question), 200)
            self._tell(client, body, f"Retired: lastmile no longer serves it for *{question}*.")

    def on_edit(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Open the edit modal."""
        ack()
        verified = self._verified(client, body, body["actions"][0].get("value"))
        if verified is not None:
            client.views_open(trigger_id=body["trigger_id"], view=edit_modal(verified))

    def on_edit_submit(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Save the edited text (owners only)."""
        view, user = body["view"], body["user"]["id"]
        verified_id = id_from(view.get("private_metadata"))
        verified = self.store.get_verified(verified_id) if verified_id is not None else None
        owner = self.store.get_owner(verified.owner_id) if verified and verified.owner_id else None
        allowed = self._may_act(owner, user, client)
        field = view["state"]["values"].get(ModalBlock.ANSWER, {}).get(ModalBlock.ANSWER) or {}
        text = str(field.get("value") or "").strip()
        if verified is None or verified_id is None or not allowed or not text:
            reason = "Write the answer to serve." if allowed else "You can't edit this answer."
            ack(response_action="errors", errors={ModalBlock.ANSWER: reason})
            return
        ack()
        if self.store.edit_verified(verified_id, answer=text, by=user):
            preview = truncate(escape(text), 300)
            client.chat_postMessage(channel=user, text=f"Saved: lastmile now serves\n>{preview}")


def register_verified(app: App, runtime: Runtime) -> None:
    """Register the approve modal, `/lastmile verified` and the verified answers' buttons."""
    approve = ApproveCorrection(runtime)
    app.view_submission(ActionId.APPROVE_MODAL)(approve.on_submit)
    propose = ProposeAnswer(runtime)
    app.action(ActionId.PROPOSE_ANSWER)(propose.on_propose)
    app.view_submission(ActionId.PROPOSE_MODAL)(propose.on_submit)
    actions = VerifiedActions(runtime)
    app.action(ActionId.VERIFIED_KEEP)(actions.on_keep)
    app.action(ActionId.VERIFIED_EDIT)(actions.on_edit)
    app.action(ActionId.VERIFIED_RETIRE)(actions.on_retire)
    app.view_submission(ActionId.VERIFIED_EDIT_MODAL)(actions.on_edit_submit)

    def on_verified(ack: Ack, command: dict[str, Any]) -> None:
        blocks = list_blocks(runtime, str(command.get("user_id") or ""))
        ack(text="Your verified answers", blocks=blocks)

    app.command(ActionId.ADMIN_COMMAND, matchers=[is_verified_command])(on_verified)
