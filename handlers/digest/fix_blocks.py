"""Block Kit for a checked fix: what the owner sees before confirming, what a reporter is sent."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.digest.fix_check import FixCheckResult, QuestionCheck
from bot.mrkdwn import escape, quote, truncate
from bot.vocabulary import ActionId, FixOutcome
from storage.models import Theme

SECTION_LIMIT = 2900
QUESTIONS_SHOWN = 8
MARK = {FixOutcome.PASSES: ":white_check_mark:", FixOutcome.CHANGED: ":arrows_counterclockwise:"}


def _line(text: str, limit: int) -> str:
    return truncate(escape(" ".join(text.split())), limit)


def _people(count: int) -> str:
    return f"{count} reporter" if count == 1 else f"{count} reporters"


def check_summary(result: FixCheckResult) -> str:
    """`2 now pass, 1 changed but can't be checked, 1 still gets the flagged answer`."""
    passes, changed = len(result.of(FixOutcome.PASSES)), len(result.of(FixOutcome.CHANGED))
    fails = len(result.of(FixOutcome.FAILS))
    return (
        f"{passes} now pass, {changed} changed but can't be checked (no correction), "
        f"{fails} still {'gets' if fails == 1 else 'get'} the flagged answer"
    )


def check_blocks(result: FixCheckResult, theme: Theme) -> list[Block]:
    """The owner's view of the replay, with the Confirm button."""
    told = result.to_tell
    lines = [
        f"*Before marking _{_line(theme.label, 150)}_ fixed*, lastmile asked its "
        f"{len(result.questions)} flagged question(s) again: {check_summary(result)}.",
    ]
    for check in result.questions[:QUESTIONS_SHOWN]:
        lines.append(_question_line(check))
    if len(result.questions) > QUESTIONS_SHOWN:
        lines.append(f"…and {len(result.questions) - QUESTIONS_SHOWN} more.")
    held = result.held_back
    note = (
        f"Confirming tells {_people(len(told))} with their new answer and asks "
        f'"Is this right now?". '
        + (f"{_people(len(held))} whose question still fails won't be told." if held else "")
    )
    confirm = ConfirmObject(
        title="Mark it fixed?",
        text=f"{_people(len(told))} will get a DM with their new answer. A DM can't be unsent: "
        "Undo reopens the theme and tells them so.",
        confirm="Mark fixed",
        deny="Not yet",
    )
    button = ButtonElement(
        text="Confirm: mark fixed", action_id=ActionId.CONFIRM_FIXED,
        value=str(result.check_id), style="primary", confirm=confirm,
    )  # fmt: skip
    return [
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), SECTION_LIMIT))),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
        ActionsBlock(block_id=f"fixcheck:{result.check_id}", elements=[button]),
    ]


def _question_line(check: QuestionCheck) -> str:
    mark = MARK.get(FixOutcome(check.outcome), ":x:")
    answer = _line(check.answer, 160) if check.answer else "_no answer_"
    return f"{mark} _{_line(check.question, 150)}_ → {answer}"


def notice_blocks(notice_id: int, check: QuestionCheck) -> list[Block]:
    """The reporter's message: their question, its new answer, "Is this right now?"."""
    what = (
        "was fixed" if check.outcome == FixOutcome.PASSES else "has changed"
    )  # changed: nobody could check it against a correction
    text = (
        f"You flagged lastmile's answer to _{_line(check.question, 300)}_. It {what}; "
        f"this is what lastmile answers now:\n{quote(check.answer, 2400)}"
    )
    value = str(notice_id)
    buttons = [
        ButtonElement(text=":+1: Yes", action_id=ActionId.FIX_RIGHT, value=value),
        ButtonElement(text=":-1: No, still wrong", action_id=ActionId.FIX_WRONG, value=value),
    ]
    return [
        SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT))),
        SectionBlock(text=MarkdownTextObject(text="*Is this right now?*")),
        ActionsBlock(block_id=f"fixnotice:{notice_id}", elements=buttons),
    ]


def notice_text(check: QuestionCheck) -> str:
    """The notification text of the reporter's message."""
    return f"lastmile's answer to your question changed: {_line(check.question, 150)}"
