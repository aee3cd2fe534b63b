"""Digest button: "Propose an answer" on a "Couldn't answer well" theme (bot/digest/silent.py).

Nobody flagged these answers, so there is no correction to approve: the owner writes one. The
modal shows the question and what lastmile answered, and ticks the theme's other questions;
submitting stores the owner's text as a correction on the newest answer (not counted as a
failure) and approves it through the same flow as a proposed correction (approve.py): a verified
answer served from the next question on, the same DM, the same "Approved by" line and Undo on
the digest message.
"""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.digest.model import answer_ids_from, answer_ids_value
from bot.vocabulary import ModalBlock
from handlers.digest.actions import Json
from handlers.digest.approve import ApproveCorrection
from handlers.digest.blocks import silent_block_id
from handlers.digest.message_state import clicked_message, from_metadata
from handlers.digest.verified_views import option_value, propose_modal, submitted_answer

GONE = "That answer no longer exists (it may have been deleted under the retention policy)."


class ProposeAnswer(ApproveCorrection):
    """The Propose an answer button's and its modal's listeners."""

    def on_propose(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Open the modal for the theme's newest answer (owners only)."""
        ack()
        answer_ids = answer_ids_from(body["actions"][0].get("value"))
        questions = self._questions(answer_ids)
        if not answer_ids or answer_ids[0] not in questions:
            self._tell(client, body, GONE)
            return
        if not self._allowed(client, body, self._owner_of_answer(answer_ids[0])):
            return
        answer = self.store.get_answer(answer_ids[0])
        asked = questions[answer_ids[0]]
        others = _others(questions, asked)
        view = propose_modal(answer_ids, asked, answer.text if answer else "", others)
        where = clicked_message(body)
        if where is not None:  # the submission updates this digest message
            view.private_metadata = f"{where.metadata}:{answer_ids_value(answer_ids)}"
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_submit(self, ack: Ack, body: Json, client: WebClient) -> None:
        """Store the owner's answer and serve it as a verified answer."""
        view, user = body["view"], body["user"]
        answer_ids = answer_ids_from(view.get("private_metadata"))
        questions = self._questions(answer_ids)
        first = answer_ids[0] if answer_ids and answer_ids[0] in questions else None
        owner = self._owner_of_answer(first) if first is not None else None
        if first is None or not self._may_act(owner, user["id"], client):
            ack(response_action="errors", errors={ModalBlock.ANSWER: "You can't answer this."})
            return
        text, ticked = submitted_answer(view["state"]["values"])
        if not text:
            ack(response_action="errors", errors={ModalBlock.ANSWER: "Write the answer to serve."})
            return
        ack()
        variants = [q for q in _others(questions, questions[first]) if option_value(q) in ticked]
        feedback = self.store.record_owner_answer(first, user_id=user["id"], text=text)
        assert feedback.id is not None
        if not self.serve(client, user, feedback.id, text, variants, owner):
            return
        feedback_id, section = feedback.id, silent_block_id(first)

        def as_approved(blocks: list[Json]) -> list[Json]:
            """The theme's section is named after its correction now, so Undo finds it."""
            return [
                {**block, "block_id": f"fix:{feedback_id}"}
                if block.get("block_id") == section else block
                for block in blocks
            ]  # fmt: skip

        where = from_metadata(view.get("private_metadata"))
        self.show_approval(client, user["id"], where, feedback_id, before=as_approved)

    def _questions(self, answer_ids: list[int]) -> dict[int, str]:
        """Each answer's question text (answers that no longer exist are left out)."""
        asked = {answer_id: self._question_of(answer_id) for answer_id in answer_ids}
        return {answer_id: text for answer_id, text in asked.items() if text}


def _others(questions: dict[int, str], asked: str) -> list[str]:
    """The theme's other wordings, each once: what the answer may also be served for."""
    return list(dict.fromkeys(q for q in questions.values() if q != asked))
