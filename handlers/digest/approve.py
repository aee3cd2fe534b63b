"""Digest button: approve a proposed correction, after editing it, as a verified answer.

The button opens a modal prefilled with the correction and the theme's flagged questions
(ticked); submitting creates the verified answer with the edited text and the ticked wordings,
and the digest message then says "Approved by <@U…>, 10:42" with an Undo (handlers/digest/undo.py).
"""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.digest.owner_actions import approved_line
from bot.mrkdwn import escape, truncate
from bot.vocabulary import ModalBlock
from handlers.digest.actions import DigestActions, Json, id_from
from handlers.digest.message_state import (
    BlocksChange,
    DigestMessage,
    clicked_message,
    from_metadata,
    replace_blocks,
    set_accessory,
)
from handlers.digest.theme_actions import approve_button, state_context, undo_approve_button
from handlers.digest.verified_views import approve_modal, option_value, submitted_answer
from storage.models import Owner


class ApproveCorrection(DigestActions):
    """The approve button's and the approve modal's listeners."""

    def on_approve(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Open the approve modal for a proposed correction (owners only)."""
        ack()
        feedback_id = id_from(body["actions"][0].get("value"))
        feedback = self.store.get_feedback(feedback_id) if feedback_id is not None else None
        if feedback is None or feedback_id is None:
            self._tell(client, body, "That correction no longer exists.")
            return
        if not self._allowed(client, body, self._owner_of_feedback(feedback)):
            return
        if not feedback.text or feedback.kind != "correction":
            self._tell(client, body, "That feedback has no correction text to approve.")
            return
        question = self._question_of(feedback.answer_id)
        flagged = [q for q in self._flagged(feedback.theme_id) if q != question]
        view = approve_modal(feedback_id, question, feedback.text, flagged)
        where = clicked_message(body)
        if where is not None:  # the submission updates this digest message
            view.private_metadata = f"{where.metadata}:{feedback_id}"
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_submit(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Create the verified answer with the owner's text and ticked questions."""
        view = body["view"]
        feedback_id = id_from(view.get("private_metadata"))
        feedback = self.store.get_feedback(feedback_id) if feedback_id is not None else None
        owner = self._owner_of_feedback(feedback) if feedback else None
        user = body["user"]
        if feedback is None or feedback_id is None or not self._may_act(owner, user["id"], client):
            ack(response_action="errors", errors={ModalBlock.ANSWER: "You can't approve this."})
            return
        answer, ticked = submitted_answer(view["state"]["values"])
        if not answer:
            ack(response_action="errors", errors={ModalBlock.ANSWER: "Write the answer to serve."})
            return
        ack()
        variants = [q for q in self._flagged(feedback.theme_id) if option_value(q) in ticked]
        if self.serve(client, user, feedback_id, answer, variants, owner):
            self.show_approval(client, user["id"], from_metadata(view.get("private_metadata")),
                               feedback_id)  # fmt: skip

    def serve(
        self, client: WebClient, user: Json, feedback_id: int, answer: str,
        variants: list[str], owner: Owner | None,
    ) -> bool:  # fmt: skip
        """Approve the correction as a verified answer and tell the owner what is served now;
        False when it is not a correction any more."""
        result = self.store.approve_verified(
            feedback_id, answer=answer, variants=variants, approved_by=user["id"],
            approved_by_name=str(user.get("name") or user.get("username") or ""),
            owner_id=owner.id if owner else None,
        )  # fmt: skip
        if result is None:
            return False
        verified, created = result
        done = "Approved"
        if not created and not verified.active and verified.id is not None:
            # Approved, undone, approved again: the same row is served again with the new text.
            created = self.store.reactivate_verified(verified.id, answer=answer, by=user["id"])
            verified = self.store.get_verified(verified.id) or verified
        elif not created and verified.id is not None and verified.answer != answer.strip():
            # Submitted again with other text (a co-owner at the same time): the last one wins,
            # so what the DM says is what is served.
            if self.store.edit_verified(verified.id, answer=answer, by=user["id"]):
                verified = self.store.get_verified(verified.id) or verified
                done = "Updated"
        elif not created:
            done = "Already approved"
        preview = truncate(escape(verified.answer), 300)
        extra = f" and {len(variants)} more wording(s)" if created and variants else ""
        client.chat_postMessage(
            channel=user["id"],
            text=f"{done}: lastmile now answers this question{extra} with\n>{preview}",
        )
        return True

    def show_approval(
        self, client: WebClient, user: str, where: DigestMessage | None, feedback_id: int,
        before: BlocksChange | None = None,
    ) -> None:  # fmt: skip
        """The correction's button becomes Undo (or Approve again) under a line saying so."""
        verified = self.store.verified_from_correction(feedback_id)
        if verified is None:
            return
        line = state_context(
            f"approved:{feedback_id}", approved_line(verified, self.runtime.settings.tzinfo)
        )
        button = (
            undo_approve_button(feedback_id) if verified.active else approve_button(feedback_id)
        )
        section, ids = f"fix:{feedback_id}", {f"approved:{feedback_id}"}

        def change(blocks: list[Json]) -> list[Json]:
            blocks = before(blocks) if before is not None else blocks
            return replace_blocks(set_accessory(blocks, section, button), ids, [line])

        self._refresh(client, user, where, change)

    def _question_of(self, answer_id: int) -> str:
        answer = self.store.get_answer(answer_id)
        question = self.store.get_question(answer.question_id) if answer else None
        return question.text if question else ""

    def _flagged(self, theme_id: int | None) -> list[str]:
        return self.store.theme_flagged_questions(theme_id) if theme_id is not None else []
