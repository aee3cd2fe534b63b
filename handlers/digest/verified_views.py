"""Block Kit for verified answers: the approve and edit modals, the owner's list, the review DM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.digest.model import answer_ids_value
from bot.mrkdwn import escape, truncate
from bot.vocabulary import ActionId, ModalBlock
from storage.models import VerifiedAnswer
from storage.queries.verified import variant_key

ANSWER_MAX = 3000
MAX_VARIANTS = 10  # Slack's limit on checkbox options


def option_value(question: str) -> str:
    """A checkbox's value: the wording's key, so the submission is re-read, not trusted."""
    return variant_key(question)[:40]


def approve_modal(feedback_id: int, question: str, proposed: str, flagged: Sequence[str]) -> View:
    """Edit the proposed correction and tick the questions it answers, before it is served."""
    blocks: list[Block] = [
        SectionBlock(text=f"*Question*\n>{truncate(escape(question), 2800)}"),
        _answer_input(proposed, "The answer lastmile will serve"),
    ]
    blocks += _variants_input(flagged, "Also serve it for these flagged questions")
    return View(
        type="modal",
        callback_id=ActionId.APPROVE_MODAL,
        title="Approve correction",
        submit="Approve",
        close="Cancel",
        private_metadata=str(feedback_id),
        blocks=blocks,
    )


def propose_modal(
    answer_ids: Sequence[int], question: str, answered: str, others: Sequence[str]
) -> View:
    """Write the answer to an unflagged failure; approving it serves it as a verified answer."""
    said = truncate(escape(" ".join(answered.split())), 600) or "_(no answer: the AI failed)_"
    blocks: list[Block] = [
        SectionBlock(text=f"*Question*\n>{truncate(escape(question), 2000)}"),
        SectionBlock(text=f"*lastmile answered*\n>{said}"),
        _answer_input("", "The answer lastmile will serve"),
    ]
    blocks += _variants_input(others, "Also serve it for these questions")
    return View(
        type="modal",
        callback_id=ActionId.PROPOSE_MODAL,
        title="Propose an answer",
        submit="Approve",
        close="Cancel",
        private_metadata=answer_ids_value(answer_ids),
        blocks=blocks,
    )


def _variants_input(questions: Sequence[str], label: str) -> list[Block]:
    """The other questions the answer may also be served for, all ticked (none: no block)."""
    options = [Option(text=truncate(q, 75), value=option_value(q)) for q in questions]
    if not options:
        return []
    element = CheckboxesElement(
        action_id=ModalBlock.VARIANTS,
        options=options[:MAX_VARIANTS],
        initial_options=options[:MAX_VARIANTS],
    )
    return [InputBlock(block_id=ModalBlock.VARIANTS, label=label, optional=True, element=element)]


def submitted_answer(values: dict[str, Any]) -> tuple[str, set[str]]:
    """An approve or propose modal's submission: (the answer typed, the ticked option values)."""
    typed = (values.get(ModalBlock.ANSWER, {}).get(ModalBlock.ANSWER) or {}).get("value")
    picked = values.get(ModalBlock.VARIANTS, {}).get(ModalBlock.VARIANTS) or {}
    ticked = {str(option["value"]) for option in picked.get("selected_options") or []}
    return str(typed or "").strip(), ticked


def edit_modal(verified: VerifiedAnswer) -> View:
    """Change what a verified answer says; saving counts as checking it."""
    return View(
        type="modal",
        callback_id=ActionId.VERIFIED_EDIT_MODAL,
        title="Edit verified answer",
        submit="Save",
        close="Cancel",
        private_metadata=str(verified.id),
        blocks=[
            SectionBlock(text=f"*Question*\n>{truncate(escape(verified.question), 2800)}"),
            _answer_input(verified.answer, "The answer lastmile serves"),
        ],
    )


def _answer_input(text: str, label: str) -> InputBlock:
    return InputBlock(
        block_id=ModalBlock.ANSWER,
        label=label,
        element=PlainTextInputElement(
            action_id=ModalBlock.ANSWER,
            multiline=True,
            max_length=ANSWER_MAX,
            initial_value=text[:ANSWER_MAX] or None,
        ),
    )


def verified_blocks(
    verified: VerifiedAnswer, checked: date, *, review: bool = False
) -> list[Block]:
    """One verified answer: its question, its answer, when it was last checked, its buttons."""
    intro = "*Is this verified answer still true?*\n" if review else ""
    text = (
        f"{intro}*{truncate(escape(verified.question), 300)}*\n"
        f">{truncate(escape(verified.answer), 2000)}\n"
        f"_last checked {checked.isoformat()}_"
    )
    value = str(verified.id)
    buttons = [
        ButtonElement(text="Edit", action_id=ActionId.VERIFIED_EDIT, value=value),
        ButtonElement(text="Retire", action_id=ActionId.VERIFIED_RETIRE, value=value,
                      style="danger"),
    ]  # fmt: skip
    if review:
        keep = ButtonElement(
            text="Keep", action_id=ActionId.VERIFIED_KEEP, value=value, style="primary"
        )
        buttons.insert(0, keep)
    return [
        SectionBlock(text=truncate(text, 2900)),
        ActionsBlock(block_id=f"verified:{value}", elements=buttons),
    ]


def as_submitted(view: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values` of an approve or edit modal submitted as opened (the demo's owner).

    The answer as prefilled, every initially ticked question still ticked.
    """
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if block.get("block_id") == ModalBlock.ANSWER:
            typed = {"type": "plain_text_input", "value": element.get("initial_value")}
            values[ModalBlock.ANSWER] = {ModalBlock.ANSWER: typed}
        elif block.get("block_id") == ModalBlock.VARIANTS:
            ticked = {"type": "checkboxes", "selected_options": element.get("initial_options", [])}
            values[ModalBlock.VARIANTS] = {ModalBlock.VARIANTS: ticked}
    return values
