"""The digest as Block Kit, built with slack_sdk.models so limits are checked before Slack.

Lean on purpose (SLACK-NOTES: msg_blocks_too_long appears below the documented sums): a header,
one summary section, per theme one section plus one actions row plus one section per proposed
correction, and one section of prompt/model rates. Five themes stay under 30 blocks.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.digest.markdown import STATUS_MARK, headline_rows
from bot.digest.model import (
    Digest,
    ProposedCorrection,
    ThemeDigest,
    change,
    failures_text,
    reason_text,
    themes_text,
)
from bot.mrkdwn import escape, truncate
from bot.vocabulary import ActionId
from handlers.digest.theme_actions import theme_actions

Permalink = Callable[[str, str], str]
SECTION_LIMIT = 2900  # Slack allows 3,000; a margin for the escaping that lengthens text
MAX_VERSION_ROWS = 6


def _line(text: str, limit: int) -> str:
    """User or model text on one line: escaped, then cut (escaping first, so no half `&amp;`)."""
    return truncate(escape(" ".join(text.split())), limit)


def digest_blocks(digest: Digest, permalink: Permalink) -> list[Block]:
    """Every block of one digest message."""
    title = f"lastmile digest · {digest.owner_name} · {digest.period.key}"
    blocks: list[Block] = [HeaderBlock(text=truncate(title, 150)), _summary(digest)]
    if not digest.themes:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="No failures this week. :tada:")))
    for theme in digest.themes:
        blocks += [DividerBlock(), *_theme_blocks(theme, permalink)]
    if digest.hidden_themes:
        more = f"{themes_text(digest.hidden_themes)} more not shown (smaller or snoozed)."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    if digest.fixes:
        lines = ["*Fixes: did the reporters confirm?*"]
        lines += [f"• *{_line(fix.label, 150)}*: {fix.text}" for fix in digest.fixes[:5]]
        blocks += [DividerBlock(), SectionBlock(text=truncate("\n".join(lines), SECTION_LIMIT))]
    if digest.by_version:
        blocks += [DividerBlock(), _versions(digest)]
    return blocks


def fallback_text(digest: Digest) -> str:
    """The notification text (and what screen readers get)."""
    return (
        f"lastmile digest for {escape(digest.owner_name)}, {digest.period.key}: "
        f"{failures_text(digest.failures)} in {themes_text(len(digest.themes))}"
    )


def _summary(digest: Digest) -> SectionBlock:
    rows = headline_rows(digest.counts, digest.previous)
    lines = [f"*{name}*: {value} ({delta})" for name, value, delta in rows]
    routed = failures_text(digest.failures)
    text = f"*This week vs last week* ({routed} routed to you)\n" + "\n".join(lines)
    return SectionBlock(text=MarkdownTextObject(text=text))


def _theme_blocks(theme: ThemeDigest, permalink: Permalink) -> list[Block]:
    reason = f" · mostly _{_line(reason_text(theme.top_reason), 40)}_" if theme.top_reason else ""
    assignee = f" · assigned to <@{theme.assignee}>" if theme.assignee else ""
    lines = [
        f"*{_line(theme.label, 150)}*",
        f"{failures_text(theme.count)} "
        f"({change(theme.count, theme.previous_count)} vs last week) · "
        f"{STATUS_MARK.get(theme.status, theme.status)}{reason}{assignee}",
    ]
    for example in theme.examples:
        question = _line(example.question, 200)
        if example.message_ts and example.channel_id:
            link = permalink(example.channel_id, example.message_ts)
            lines.append(f"• <{link}|{question}>")
        else:
            lines.append(f"• {question}")
    text = truncate("\n".join(lines), SECTION_LIMIT)
    blocks: list[Block] = [SectionBlock(block_id=f"theme:{theme.theme_id}", text=text)]
    blocks += [_correction(fix) for fix in theme.corrections]
    blocks.append(theme_actions(theme))
    return blocks


def _correction(fix: ProposedCorrection) -> SectionBlock:
    text = (
        f"Proposed correction by <@{fix.user_id}> for _{_line(fix.question, 200)}_:\n"
        f">{_line(fix.correction, 1500)}"
    )
    button = ButtonElement(
        text="Approve",
        action_id=ActionId.APPROVE_CORRECTION,
        value=str(fix.feedback_id),
        style="primary",
    )
    return SectionBlock(
        block_id=f"fix:{fix.feedback_id}", text=truncate(text, SECTION_LIMIT), accessory=button
    )


def _versions(digest: Digest) -> SectionBlock:
    lines = ["*Thumbs down per answer, by prompt version and model*"]
    for row in digest.by_version[:MAX_VERSION_ROWS]:
        lines.append(
            f"`{_line(row.prompt_version, 60)}` · {_line(row.model, 60)}: "
            f"{row.rate:.1%} ({row.downs}/{row.answers})"
        )
    return SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), SECTION_LIMIT)))
