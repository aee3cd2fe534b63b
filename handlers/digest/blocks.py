"""The digest as Block Kit, built with slack_sdk.models so limits are checked before Slack.

Lean on purpose (SLACK-NOTES: msg_blocks_too_long appears below the documented sums): a header,
the week's dates, one summary section, per theme one section plus one actions row plus one section
per proposed correction, then one section each for "Knowledge to fix", "Last week's fixes" and
prompt/model rates, and the rate's definition. A section keeps whole lines and says "…and N more"
for the rest; handlers/digest/split.py packs the groups into a parent message and replies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.digest.knowledge_to_fix import PageClaim
from bot.digest.markdown import STATUS_MARK, headline_rows
from bot.digest.model import (
    RATE_DEFINITION,
    Digest,
    Example,
    ProposedCorrection,
    SilentTheme,
    ThemeDigest,
)
from bot.digest.past_fixes import fix_line
from bot.digest.wording import (
    SILENT_INTRO,
    change,
    conflict_advice,
    date_range,
    failures_text,
    handoffs_text,
    people_text,
    questions_text,
    reason_phrase,
    silent_reasons_text,
    themes_text,
)
from bot.mrkdwn import escape, truncate
from bot.owners.ids import is_user_id
from bot.vocabulary import ActionId
from handlers.digest.split import lines_within
from handlers.digest.theme_actions import theme_actions

Permalink = Callable[[str, str], str]
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")
SECTION_LIMIT = 2900  # Slack allows 3,000; a margin for the escaping that lengthens text
MAX_VERSION_ROWS = 6


_LINK = re.compile(r"https?://[^\s<>|]+")


def _line(text: str, limit: int) -> str:
    """User or model text on one line: escaped, then cut (escaping first, so no half `&amp;`)."""
    return truncate(escape(" ".join(text.split())), limit)


def digest_blocks(digest: Digest, permalink: Permalink) -> list[Block]:
    """Every block of one digest, in order (handlers/digest/split.py cuts it into messages)."""
    return [block for group in digest_groups(digest, permalink) for block in group]


def digest_groups(digest: Digest, permalink: Permalink) -> list[list[Block]]:
    """The digest's blocks in groups that stay in one message: the head, each theme, ..."""
    title = f"lastmile digest · {digest.owner_name} · {digest.period.key}"
    period = digest.period
    dates = f"{date_range(period)} ({escape(period.timezone)})"
    head: list[Block] = [
        HeaderBlock(text=truncate(title, 150)),
        ContextBlock(elements=[MarkdownTextObject(text=dates)]),
        _summary(digest),
    ]
    if not digest.themes:
        head.append(SectionBlock(text=MarkdownTextObject(text="No failures this week. :tada:")))
    groups = [head, *([DividerBlock(), *_theme_blocks(t, permalink)] for t in digest.themes)]
    groups += _silent_groups(digest, permalink)
    tail: list[Block] = []
    if digest.hidden_themes:
        more = f"{themes_text(digest.hidden_themes)} more not shown (smaller or snoozed)."
        tail.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    if digest.knowledge or digest.conflicts:
        tail += [DividerBlock(), _knowledge(digest)]
    if digest.past_fixes:
        tail += [DividerBlock(), _past_fixes(digest)]
    if digest.by_version:
        tail += [DividerBlock(), _versions(digest)]
    tail.append(ContextBlock(elements=[MarkdownTextObject(text=RATE_DEFINITION)]))
    return [*groups, tail]


def fallback_text(digest: Digest) -> str:
    """The notification text (and what screen readers get)."""
    return (
        f"lastmile digest for {escape(digest.owner_name)}, {digest.period.key}: "
        f"{failures_text(digest.failures)} in {themes_text(len(digest.themes))}"
    )


def _summary(digest: Digest) -> SectionBlock:
    rows = headline_rows(digest)
    lines = [f"*{name}*: {value} ({delta})" for name, value, delta in rows]
    routed = failures_text(digest.failures)
    text = f"*This week vs last week* ({routed} routed to you)\n" + "\n".join(lines)
    return SectionBlock(text=MarkdownTextObject(text=text))


def _theme_blocks(theme: ThemeDigest, permalink: Permalink) -> list[Block]:
    reason = f" · _{_line(reason_phrase(theme.top_reason), 80)}_" if theme.top_reason else ""
    assignee = f" · assigned to <@{theme.assignee}>" if theme.assignee else ""
    lines = [
        f"*{_line(theme.label, 150)}*",
        f"{failures_text(theme.count)} "
        f"({change(theme.count, theme.previous_count)} vs last week) · "
        f"{STATUS_MARK.get(theme.status, theme.status)}{reason}{assignee}",
        *_why(theme),
        *_example_lines(theme.examples, permalink),
    ]
    text = lines_within(lines, SECTION_LIMIT)
    blocks: list[Block] = [SectionBlock(block_id=f"theme:{theme.theme_id}", text=text)]
    blocks += [_correction(fix) for fix in theme.corrections]
    blocks.append(theme_actions(theme))
    return blocks


def _silent_groups(digest: Digest, permalink: Permalink) -> list[list[Block]]:
    """ "Couldn't answer well": a heading, then one section per theme with Propose an answer."""
    if not digest.silent:
        return []
    heading = f"*Couldn't answer well* ({questions_text(digest.silent_count)}, not flagged)"
    groups: list[list[Block]] = [[
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=heading)),
        ContextBlock(elements=[MarkdownTextObject(text=SILENT_INTRO)]),
    ]]  # fmt: skip
    first, *rest = digest.silent
    groups[0].append(silent_section(first, permalink))  # the heading never stands alone
    groups += [[silent_section(theme, permalink)] for theme in rest]
    if digest.hidden_silent:
        more = f"{themes_text(digest.hidden_silent)} more not shown."
        groups[-1].append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return groups


def silent_section(theme: SilentTheme, permalink: Permalink) -> SectionBlock:
    """One unflagged theme: what, how many, why, examples; the owner writes its answer."""
    lines = [
        f"*{_line(theme.label, 150)}*",
        f"{questions_text(theme.count)} · {people_text(theme.people)} · "
        f"{escape(silent_reasons_text(theme.reasons))}",
        *_example_lines(theme.examples, permalink),
    ]
    button = ButtonElement(
        text="Propose an answer", action_id=ActionId.PROPOSE_ANSWER, value=theme.propose_value
    )
    return SectionBlock(
        block_id=silent_block_id(theme.answer_ids[0]),
        text=lines_within(lines, SECTION_LIMIT),
        accessory=button,
    )


def silent_block_id(answer_id: int) -> str:
    """The block id of the unflagged theme whose newest answer this is."""
    return f"silent:{answer_id}"


def _example_lines(examples: Sequence[Example], permalink: Permalink) -> list[str]:
    lines = []
    for example in examples:
        question = _line(example.question, 200)
        trace = f" · <{example.trace_url}|trace>" if _safe_link(example.trace_url) else ""
        if example.message_ts and example.channel_id:
            link = permalink(example.channel_id, example.message_ts)
            lines.append(f"• <{link}|{question}>{trace}")
        else:
            lines.append(f"• {question}{trace}")
    return lines


def _why(theme: ThemeDigest) -> list[str]:
    lines = []
    if theme.people:
        where = ", ".join(_channel(c) for c in theme.channels) or "unknown channels"
        lines.append(f"*Who:* {people_text(theme.people)} in {where}")
    if theme.handoffs:
        lines.append(f"*Handed over:* {handoffs_text(theme.handoffs, theme.handoffs_open)}")
    if theme.bad_answer:
        lines.append(f"*Bad answer:* “{_line(theme.bad_answer, 200)}”")
    if theme.cited:
        lines.append("*Cited:* " + ", ".join(f"`{_line(path, 120)}`" for path in theme.cited))
    return lines


def _safe_link(url: str | None) -> bool:
    """An http(s) URL with nothing that would end or split a Slack link (`<`, `>`, `|`)."""
    return bool(url) and _LINK.fullmatch(url or "") is not None


def _channel(channel_id: str) -> str:
    """`<#C…>`, which Slack shows as the channel's name; a DM (`D…`) has no name to show."""
    if channel_id.startswith("D"):
        return "a DM"
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else escape(channel_id)


def _knowledge(digest: Digest) -> SectionBlock:
    lines = (
        ["*Knowledge to fix* (pages the failing answers cited)"]
        if digest.knowledge
        else ["*Knowledge to fix*"]
    )
    for doc in digest.knowledge:
        stale = f" :warning: *stale*: updated {doc.updated:%d %b %Y}" if doc.stale else ""
        if doc.updated and not doc.stale:
            stale = f" (updated {doc.updated:%d %b %Y})"
        lines.append(
            f"• `{_line(doc.path, 120)}`{stale}{_page_owner(doc.owner)}: {doc.failed} failed "
            f"{'answer' if doc.failed == 1 else 'answers'} cited it, "
            f"{doc.failed_share:.0%} of its {doc.cited} citations failed"
        )
    if digest.conflicts:
        lines.append("*Pages that disagree* (different values for what people asked)")
    for pair in digest.conflicts:
        lines.append(f"• :warning: {_claim_text(pair.newer)} but {_claim_text(pair.older)}: "
                     f"{conflict_advice(pair)}, e.g. _{_line(pair.example, 120)}_")  # fmt: skip
    return SectionBlock(text=MarkdownTextObject(text=lines_within(lines, SECTION_LIMIT)))


def _claim_text(claim: PageClaim) -> str:
    when = f" (updated {claim.updated:%d %b %Y})" if claim.updated else " (no date)"
    return f"`{_line(claim.path, 100)}`{when} says *{_line(claim.value, 60)}*"


def _page_owner(owner: str | None) -> str:
    """The page's owner from its metadata: a Slack user id shows as the person."""
    if not owner:
        return ""
    return f", page owner <@{owner}>" if is_user_id(owner) else f", page owner {_line(owner, 60)}"


def _past_fixes(digest: Digest) -> SectionBlock:
    lines = ["*Last week's fixes*"]
    for fix in digest.past_fixes:
        mark = ":warning: *REGRESSED* " if fix.regressed else ":white_check_mark: "
        by = f" by <@{fix.fixed_by}>" if fix.fixed_by and fix.fixed_by.isalnum() else ""
        lines.append(f"• {mark}*{_line(fix.label, 150)}*{by}: {escape(fix_line(fix))}")
    return SectionBlock(text=MarkdownTextObject(text=lines_within(lines, SECTION_LIMIT)))


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
    lines = ["*Thumbs-down rate by prompt version and model*"]
    for row in digest.by_version[:MAX_VERSION_ROWS]:
        votes = row.ups + row.downs
        lines.append(
            f"`{_line(row.prompt_version, 60)}` · {_line(row.model, 60)}: "
            f"{row.rate:.0%} ({row.downs} of {votes} {'vote' if votes == 1 else 'votes'}, "
            f"{row.answers} answers)"
        )
    return SectionBlock(text=MarkdownTextObject(text=lines_within(lines, SECTION_LIMIT)))
