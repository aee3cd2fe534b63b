"""The Home tab: a person's feedback with its status, and for owners the week so far."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.feedback.home import FeedbackItem, HomeData, OwnerWeek
from bot.feedback.signals import REASON_LABELS
from bot.mrkdwn import escape, truncate

KIND_LABELS = {
    "up": "Thumbs up",
    "down": "Thumbs down",
    "correction": "Correction",
    "report": "Report",
}
STATUS_ICONS = {"open": ":hourglass:", "fixed": ":white_check_mark:"}
EMPTY = "Nothing flagged yet. Use the thumbs or *Report* under any answer; it takes one click."


def item_blocks(item: FeedbackItem) -> list[Block]:
    """One flag: what it was, on which question, and where it stands."""
    what = KIND_LABELS.get(item.kind, item.kind)
    if item.reason:
        what += f" ({REASON_LABELS.get(item.reason, item.reason)})"
    icon = STATUS_ICONS.get(item.status, ":hammer_and_wrench:")
    status = item.status + (f": {escape(item.theme)}" if item.theme else "")
    question = escape(truncate(item.question, 200))
    return [
        SectionBlock(text=f"*{what}* on “{question}”\n{icon} {status}"),
        ContextBlock(elements=[MarkdownTextObject(text=item.created_at.strftime("%d %b %Y"))]),
    ]


def week_blocks(week: OwnerWeek) -> list[Block]:
    """Volumes of the week so far and the biggest open themes."""
    counts = week.counts
    line = (
        f"{counts.get('questions', 0)} questions · {counts.get('answers', 0)} answers · "
        f"{counts.get('up', 0)} :+1: · {counts.get('down', 0)} :-1: · "
        f"{counts.get('report', 0)} reports · {counts.get('correction', 0)} corrections"
    )
    blocks: list[Block] = [
        HeaderBlock(text="This week so far"),
        SectionBlock(text=f"For {escape(', '.join(week.owners))}\n{line}"),
    ]
    themes = [f"• {escape(truncate(label, 150))} ({n})" for label, n in week.themes]
    blocks.append(SectionBlock(text="*Top open themes*\n" + ("\n".join(themes) or "None open.")))
    return blocks + [DividerBlock()]


def home_view(data: HomeData, verified: Sequence[Block] = ()) -> View:
    """The whole Home tab (well under 100 blocks: 10 flags, 2 blocks each, the week, and for
    owners up to 10 verified answers, 2 blocks each)."""
    blocks: list[Block] = week_blocks(data.week) if data.week else []
    if verified:
        blocks += [HeaderBlock(text="Your verified answers"), *verified, DividerBlock()]
    blocks.append(HeaderBlock(text="Your feedback"))
    if not data.items:
        blocks.append(SectionBlock(text=EMPTY))
    for item in data.items:
        blocks.extend(item_blocks(item))
    return View(type="home", blocks=blocks)
