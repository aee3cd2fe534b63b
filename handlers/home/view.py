"""The Home tab: a person's feedback with its true status, and for owners their week so far."""

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

from bot.feedback.home import FeedbackItem, HomeData, OpenTheme, OwnerWeek
from bot.mrkdwn import escape, truncate
from handlers.home.status_text import mention, status_line

KIND_LABELS = {
    "up": "Thumbs up",
    "down": "Thumbs down",
    "correction": "Correction",
    "report": "Report",
}
EMPTY = "Nothing flagged yet. Use the thumbs or *Report* under any answer; it takes one click."


def item_blocks(item: FeedbackItem, review_when: str) -> list[Block]:
    """One flag: what it was, on which question, and where it truly stands."""
    what = KIND_LABELS.get(item.kind, "Feedback")  # only our words, whatever is stored
    if item.reason:
        what += f" ({escape(item.reason)})"  # already our label (bot.feedback.home)
    question = escape(truncate(item.question, 200))
    return [
        SectionBlock(text=f"*{what}* on “{question}”\n{status_line(item.status, review_when)}"),
        ContextBlock(elements=[MarkdownTextObject(text=item.created_at.strftime("%d %b %Y"))]),
    ]


def counts_line(week: OwnerWeek) -> str:
    """The digest's headline numbers, in one line, with the one thumbs-down rate."""
    counts = week.counts
    votes = counts.up + counts.down
    rate = f"{counts.down_rate:.0%} of {votes} votes thumbs down" if votes else "no votes yet"
    return (
        f"{counts.questions} questions · {counts.up} :+1: · {counts.down} :-1: ({rate}) · "
        f"{counts.reports} reports · {counts.corrections} corrections"
    )


def theme_line(theme: OpenTheme) -> str:
    """`• label (4) · assigned to @x`: an open theme, its flags, and its assignee if any."""
    line = f"• {escape(truncate(theme.label, 150))} ({theme.flags})"
    return line + (f" · assigned to {mention(theme.assignee)}" if theme.assignee else "")


def week_blocks(week: OwnerWeek) -> list[Block]:
    """One owner's week to date and its biggest open themes."""
    days = week.period.days()
    span = f"{days[0]:%d %b} – {days[-1]:%d %b} ({escape(week.period.timezone)})"
    themes = [theme_line(theme) for theme in week.themes]
    return [
        SectionBlock(text=f"*{escape(week.owner)}* · {span}\n{counts_line(week)}"),
        SectionBlock(text="*Top open themes*\n" + ("\n".join(themes) or "None open.")),
    ]


def home_view(data: HomeData, verified: Sequence[Block] = (), disclaimer: str = "") -> View:
    """The whole Home tab (well under 100 blocks: 10 flags, 2 blocks each, each owner's week,
    2 blocks each, and for owners up to 10 verified answers, 2 blocks each), under the AI
    disclaimer."""
    blocks: list[Block] = []
    if disclaimer:
        text = f":robot_face: {escape(disclaimer)}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=text)]))
    if data.weeks:
        blocks.append(HeaderBlock(text="This week so far"))
        for week in data.weeks:
            blocks += week_blocks(week)
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="Counted as your digest counts them.")])
        )
        blocks.append(DividerBlock())
    if verified:
        blocks += [HeaderBlock(text="Your verified answers"), *verified, DividerBlock()]
    blocks.append(HeaderBlock(text="Your feedback"))
    if not data.items:
        blocks.append(SectionBlock(text=EMPTY))
    for item in data.items:
        blocks.extend(item_blocks(item, data.review_when))
    return View(type="home", blocks=blocks)
