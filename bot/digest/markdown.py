"""The digest as Markdown, for `lastmile digest --preview` (rich renders it) and `--markdown`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.digest.knowledge_to_fix import DocumentToFix, PageClaim
from bot.digest.model import RATE_DEFINITION, Digest, Example, ThemeDigest, permalink
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
    votes_text,
)

STATUS_MARK = {"new": "🆕 new", "recurring": "🔁 recurring", "regressed": "⚠️ regressed"}


def _md(text: str, limit: int = 300) -> str:
    """One line of user or model text, cut short, with Markdown control characters escaped."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    for char in "\\`*_[]<>|#~":
        flat = flat.replace(char, "\\" + char)
    return flat


def headline_rows(digest: Digest) -> list[tuple[str, str, str]]:
    """(name, this period, change) for the headline table.

    "Couldn't answer well" counts the answers nobody flagged that failed, apart from the
    flags (thumbs down, reports, corrections) above it.
    """
    counts, previous = digest.counts, digest.previous
    rate, before = counts.down_rate, previous.down_rate
    silent, silent_before = digest.silent_count, digest.previous_silent
    return [
        ("Questions", str(counts.questions), change(counts.questions, previous.questions)),
        ("Answers", str(counts.answers), change(counts.answers, previous.answers)),
        ("Thumbs up", str(counts.up), change(counts.up, previous.up)),
        ("Thumbs down", str(counts.down), change(counts.down, previous.down)),
        ("Thumbs-down rate", f"{rate:.0%}", change(rate, before)),
        ("Reports", str(counts.reports), change(counts.reports, previous.reports)),
        ("Corrections", str(counts.corrections), change(counts.corrections, previous.corrections)),
        ("Provider errors", str(counts.errors), change(counts.errors, previous.errors)),
        ("Couldn't answer well (not flagged)", str(silent), change(silent, silent_before)),
    ]


def render_markdown(digest: Digest) -> str:
    """The whole digest as Markdown."""
    period = digest.period
    lines = [
        f"# lastmile digest for {_md(digest.owner_name)}: {period.key}",
        "",
        f"{date_range(period)} ({period.timezone}); "
        f"{failures_text(digest.failures)} routed to you.",
        "",
        "| | this week | vs last week |",
        "|---|---:|---:|",
        *[f"| {name} | {value} | {delta} |" for name, value, delta in
          headline_rows(digest)],
        "",
        "## Top themes",
        "",
    ]  # fmt: skip
    if not digest.themes:
        lines.append("No failures this week.")
    for number, theme in enumerate(digest.themes, start=1):
        lines += _theme(number, theme)
    if digest.hidden_themes:
        hidden = themes_text(digest.hidden_themes)
        lines.append(f"_{hidden} more not shown (smaller or snoozed)._")
    lines += _silent(digest)
    lines += _knowledge(digest)
    lines += _past_fixes(digest)
    lines += ["", "## Thumbs-down rate by prompt version and model", ""]
    lines += ["| prompt | model | answers | votes | thumbs down | rate |",
              "|---|---|---:|---:|---:|---:|"]  # fmt: skip
    for row in digest.by_version:
        lines.append(
            f"| {_md(row.prompt_version)} | {_md(row.model)} | {row.answers} "
            f"| {row.ups + row.downs} | {row.downs} | {row.rate:.0%} |"
        )
    lines += ["", "## Daily thumbs-down rate", ""]
    lines += [f"- {day.day:%a %d %b}: {votes_text(day.votes, day.rate)}" for day in digest.daily]
    lines += ["", f"_{RATE_DEFINITION}_"]
    return "\n".join(lines) + "\n"


def _theme(number: int, theme: ThemeDigest) -> list[str]:
    reason = f" · {_md(reason_phrase(theme.top_reason))}" if theme.top_reason else ""
    assignee = f" · assigned to {_md(theme.assignee)}" if theme.assignee else ""
    lines = [
        f"### {number}. {_md(theme.label)}",
        "",
        f"{failures_text(theme.count)} ({change(theme.count, theme.previous_count)} vs last week)"
        f" · {STATUS_MARK.get(theme.status, theme.status)}{reason}{assignee}",
        "",
    ]
    if theme.people:
        where = ", ".join(_channel(c) for c in theme.channels) or "unknown channels"
        lines.append(f"- Who: {people_text(theme.people)} in {where}")
    if theme.handoffs:
        lines.append(f"- Handed over: {handoffs_text(theme.handoffs, theme.handoffs_open)}")
    if theme.bad_answer:
        lines.append(f"- Bad answer: “{_md(theme.bad_answer, 200)}”")
    if theme.cited:
        lines.append("- Cited: " + ", ".join(f"`{_code(path)}`" for path in theme.cited))
    lines += _asked(theme.examples)
    for fix in theme.corrections:
        lines.append(f"- Proposed correction: {_md(fix.correction, 300)}")
    lines.append("")
    return lines


def _asked(examples: Sequence[Example]) -> list[str]:
    """`- Asked: [question](its Slack message) ([trace](...))`, one line per example."""
    lines = []
    for example in examples:
        link = permalink(example.channel_id, example.message_ts) if example.message_ts else ""
        shown = f"[{_md(example.question, 150)}]({link})" if link else _md(example.question, 150)
        trace = f" ([trace]({example.trace_url}))" if example.trace_url else ""
        lines.append(f"- Asked: {shown}{trace}")
    return lines


def _silent(digest: Digest) -> list[str]:
    if not digest.silent:
        return []
    lines = ["", "## Couldn't answer well", "", f"_{SILENT_INTRO}_", ""]
    for theme in digest.silent:
        lines += [
            f"### {_md(theme.label)}",
            "",
            f"{questions_text(theme.count)} · {people_text(theme.people)} · "
            f"{_md(silent_reasons_text(theme.reasons))}",
            "",
        ]
        lines += _asked(theme.examples)
        lines += ["- Fix: *Propose an answer* in Slack serves your answer from then on", ""]
    if digest.hidden_silent:
        lines.append(f"_{themes_text(digest.hidden_silent)} more not shown._")
    return lines


def _knowledge(digest: Digest) -> list[str]:
    if not digest.knowledge and not digest.conflicts:
        return []
    lines = ["", "## Knowledge to fix", ""]
    if digest.knowledge:
        lines += ["| page | failed answers citing it | share of its citations that failed |",
                  "|---|---:|---:|"]  # fmt: skip
    for doc in digest.knowledge:
        lines.append(
            f"| `{_code(doc.path)}`{_stale(doc)}{_page_owner(doc)} | {doc.failed} "
            f"| {doc.failed_share:.0%} ({doc.failed} of {doc.cited}) |"
        )
    if digest.conflicts:
        lines += ["", "Pages that disagree (different values for what people asked):", ""]
    for pair in digest.conflicts:
        lines.append(
            f"- ⚠️ {_claim_md(pair.newer)} but {_claim_md(pair.older)}: "
            f"{conflict_advice(pair)}, e.g. “{_md(pair.example, 120)}”"
        )
    return lines


def _claim_md(claim: PageClaim) -> str:
    when = f" (updated {claim.updated:%d %b %Y})" if claim.updated else " (no date)"
    return f"`{_code(claim.path)}`{when} says **{_md(claim.value, 60)}**"


def _stale(doc: DocumentToFix) -> str:
    if doc.stale and doc.updated:
        return f" ⚠️ stale: updated {doc.updated:%d %b %Y}"
    return f" (updated {doc.updated:%d %b %Y})" if doc.updated else ""


def _page_owner(doc: DocumentToFix) -> str:
    return f", owner {_md(doc.owner, 60)}" if doc.owner else ""


def _past_fixes(digest: Digest) -> list[str]:
    if not digest.past_fixes:
        return []
    lines = ["", "## Last week's fixes", ""]
    for fix in digest.past_fixes:
        mark = "⚠️ **REGRESSED**: " if fix.regressed else "✅ "
        lines.append(f"- {mark}**{_md(fix.label, 150)}**: {_md(fix_line(fix))}")
    return lines


def _channel(channel_id: str) -> str:
    return "a DM" if channel_id.startswith("D") else f"#{_md(channel_id, 40)}"


def _code(text: str) -> str:
    """Text inside backticks: Markdown escapes don't apply there, so backticks are dropped."""
    return " ".join(text.replace("`", "'").split())[:200]
