"""The feedback modals: reason (thumbs down, report), correction, and "not one of our answers"."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.feedback.signals import CORRECTION_MAX, REASON_LABELS, ModalInput
from bot.mrkdwn import quote
from bot.vocabulary import ActionId, ModalBlock

REASON_BLOCK, CORRECTION_BLOCK, LINK_BLOCK = (
    ModalBlock.REASON,
    ModalBlock.CORRECTION,
    ModalBlock.LINK,
)
NOT_OURS = "That message isn't an answer from lastmile, so there is nothing to report on it."


@dataclass(frozen=True)
class ModalMeta:
    """Carried in private_metadata: which message the modal is about (verified on submit)."""

    channel: str
    ts: str
    kind: str  # down | report | correction
    source: str = "modal"
    thread_ts: str = ""

    def dump(self) -> str:
        """Compact JSON for private_metadata (well under its 3,000 characters)."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def load(cls, raw: str) -> ModalMeta | None:
        """Parse private_metadata; None when it is not ours."""
        try:
            data = json.loads(raw)
            return cls(**{k: str(v) for k, v in data.items()})
        except (ValueError, TypeError):
            return None


def _question_block(question: str | None) -> list[Block]:
    if question is None:
        return [SectionBlock(text="Loading the answer…")]
    return [SectionBlock(text=f"*The question*\n{quote(question, 2000)}")]


def _reason_input() -> InputBlock:
    options = [Option(value=key, label=label) for key, label in REASON_LABELS.items()]
    return InputBlock(
        block_id=REASON_BLOCK,
        label="What was wrong?",
        element=RadioButtonsElement(action_id=REASON_BLOCK, options=options),
    )


def _correction_input(optional: bool) -> InputBlock:
    element = PlainTextInputElement(
        action_id=CORRECTION_BLOCK, multiline=True, max_length=CORRECTION_MAX
    )
    label = "What is the right answer?"
    return InputBlock(block_id=CORRECTION_BLOCK, label=label, element=element, optional=optional)


def _link_input() -> InputBlock:
    element = PlainTextInputElement(action_id=LINK_BLOCK, placeholder="https://…")
    label = "Source link (optional)"
    return InputBlock(block_id=LINK_BLOCK, label=label, element=element, optional=True)


def feedback_modal(meta: ModalMeta, question: str | None = None) -> View:
    """The modal for `meta.kind`; the question is shown once we have looked it up."""
    if meta.kind == "correction":
        callback, title, submit = ActionId.CORRECTION_MODAL, "Correct this answer", "Send"
        inputs: list[Block] = [_correction_input(optional=False), _link_input()]
    else:
        callback, submit = ActionId.REASON_MODAL, "Send"
        title = "Report this answer" if meta.kind == "report" else "What went wrong?"
        inputs = [_reason_input(), _correction_input(optional=True), _link_input()]
    return View(
        type="modal",
        callback_id=callback,
        title=title,
        submit=submit,
        close="Cancel",
        notify_on_close=meta.kind == "down",
        private_metadata=meta.dump(),
        blocks=_question_block(question) + inputs,
    )


def not_ours_modal() -> View:
    """A polite dead end for a message that is not one of our answers."""
    return View(
        type="modal", title="Report AI answer", close="OK", blocks=[SectionBlock(text=NOT_OURS)]
    )


def read_input(values: dict[str, Any]) -> ModalInput:
    """The typed values from view.state.values, trimmed."""
    reason = values.get(REASON_BLOCK, {}).get(REASON_BLOCK, {}).get("selected_option") or {}
    correction = values.get(CORRECTION_BLOCK, {}).get(CORRECTION_BLOCK, {}).get("value") or ""
    link = values.get(LINK_BLOCK, {}).get(LINK_BLOCK, {}).get("value") or ""
    return ModalInput(reason.get("value"), correction.strip(), link.strip())
