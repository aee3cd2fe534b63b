"""The digest as Markdown, for `lastmile digest --preview` (rich renders it) and `--markdown`."""

from __future__ import annotations

from bot.digest.model import (
    Counts,
    Digest,
    ThemeDigest,
    change,
    failures_text,
    permalink,
    reason_text,
    themes_text,
    votes_text,
)

STATUS_MARK = {"new": "🆕 new", "recurring": "🔁 recurring", "regressed": "⚠️ regressed"}


def _md(text: str, limit: int = 300) -> str:
    """One line of user or model text, cut short, with Markdown control characters escaped."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    for char in "\\`*_[]<>|#":
        flat = flat.replace(char, "\\" + char)
    return flat


def headline_rows(counts: Counts, previous: Counts) -> list[tuple[str, str, str]]:
    """(name, this period, change) for the headline table."""
    rate, before = counts.down_rate, previous.down_rate
    return [
        ("Questions", str(counts.questions), change(counts.questions, previous.questions)),
        ("Answers", str(counts.answers), change(counts.answers, previous.answers)),
        ("Thumbs up", str(counts.up), change(counts.up, previous.up)),
        ("Thumbs down", str(counts.down), change(counts.down, previous.down)),
        ("Thumbs-down share of votes", f"{rate:.0%}", change(rate, before)),
        ("Reports", str(counts.reports), change(counts.reports, previous.reports)),
        ("Corrections", str(counts.corrections), change(counts.corrections, previous.corrections)),
        ("Provider errors", str(counts.errors), change(counts.errors, previous.errors)),
    ]


def render_markdown(digest: Digest) -> str:
    """The whole digest as Markdown."""
    period = digest.period
    lines = [
        f"# lastmile digest for {_md(digest.owner_name)}: {period.key}",
        "",
        f"{period.monday:%d %b} – {period.days()[-1]:%d %b %Y} ({period.timezone}); "
        f"{failures_text(digest.failures)} routed to you.",
        "",
        "| | this week | vs last week |",
        "|---|---:|---:|",
        *[f"| {name} | {value} | {delta} |" for name, value, delta in
          headline_rows(digest.counts, digest.previous)],
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
    if digest.fixes:
        lines += ["", "## Fixes: did the reporters confirm?", ""]
        lines += [f"- {_md(fix.label, 150)}: {fix.text}" for fix in digest.fixes]
    lines += ["", "## Thumbs down by prompt version and model", ""]
    lines += ["| prompt | model | answers | thumbs down | per answer |", "|---|---|---:|---:|---:|"]
    for row in digest.by_version:
        lines.append(
            f"| {_md(row.prompt_version)} | {_md(row.model)} | {row.answers} | {row.downs} "
            f"| {row.rate:.1%} |"
        )
    lines += ["", "## Daily thumbs-down rate", ""]
    lines += [f"- {day.day:%a %d %b}: {votes_text(day.votes, day.rate)}" for day in digest.daily]
    return "\n".join(lines) + "\n"


def _theme(number: int, theme: ThemeDigest) -> list[str]:
    reason = f", mostly {_md(reason_text(theme.top_reason))}" if theme.top_reason else ""
    assignee = f", assigned to {_md(theme.assignee)}" if theme.assignee else ""
    lines = [
        f"### {number}. {_md(theme.label)}",
        "",
        f"{failures_text(theme.count)} ({change(theme.count, theme.previous_count)} vs last week), "
        f"{STATUS_MARK.get(theme.status, theme.status)}{reason}{assignee}",
        "",
    ]
    for example in theme.examples:
        link = permalink(example.channel_id, example.message_ts) if example.message_ts else ""
        shown = f"[{_md(example.question, 150)}]({link})" if link else _md(example.question, 150)
        lines.append(f"- {shown}")
    for fix in theme.corrections:
        lines.append(f"- Proposed correction: {_md(fix.correction, 300)}")
    lines.append("")
    return lines
