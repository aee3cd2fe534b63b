"""The demo's terminal output (rich) and its files: digests in Markdown, the chart in PNG."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from bot.answering.verified_cases import NEAR_MISSES
from bot.demo.digests import PostedDigest
from bot.demo.report import (
    Rate,
    chart_png,
    last_mile,
    measure,
    silent_check,
    silent_total,
    verified_rate,
    write_markdown,
)
from bot.demo.run import DemoRun
from bot.digest import render_markdown
from storage import Store, make_engine


def show(console: Console, run: DemoRun, *, elapsed_s: float) -> None:
    """Print both weeks' digests, what the owners did, the rates, and where the files are."""
    engine = make_engine(f"sqlite:///{run.database}")
    try:
        rates = measure(run, Store(engine))
    finally:
        engine.dispose()
    _digests(console, "Week 1: the digests posted on Monday", run.digests1)
    _actions(console, run)
    _digests(console, "Week 2: the digests posted the Monday after", run.digests2)
    console.print(_rates_table(rates))
    fixed1, fixed2 = rates["fixed themes"]
    console.print(
        # A share of answers, not the digest's thumbs-down rate (a share of votes): named apart.
        f"Answers with a thumbs down on the fixed themes: [bold]{fixed1.down_rate:.0%}[/] "
        f"({fixed1.downs}/{fixed1.answers}) in week 1 -> [bold]{fixed2.down_rate:.0%}[/] "
        f"({fixed2.downs}/{fixed2.answers}) in week 2. "
        f"{run.told} people who flagged those answers were told they were fixed, each with "
        f"their new answer ({run.held_back} held back: their own question still failed)."
    )
    served, approved = verified_rate(run)
    console.print(
        f"Verified answers: [bold]{served}/{approved}[/] week-2 questions on an approved subject "
        f"got the approved answer; [bold]{run.near_miss_wrong}[/] of {len(NEAR_MISSES)} "
        f"near-miss questions would; [bold]{run.told_while_failing}[/] reporters were told "
        "'fixed' while their own question still fails."
    )
    _last_mile(console, run)
    _before_the_fix(console, run)
    for note in run.notes:
        console.print(f"[yellow]Note:[/] {note}")
    paths = write_markdown(run)
    chart = run.directory / "thumbs-down.png"
    chart.write_bytes(chart_png(rates))
    files = [*paths, chart, run.database]
    console.rule("[bold]Written")
    for path in files:
        console.print(str(path), soft_wrap=True, highlight=False)
    asked = len(run.week1) + len(run.week2)
    console.print(f"{asked} questions in {elapsed_s:.1f} s. Try next:")
    dataset = run.directory / "dataset.jsonl"
    env = f"DATABASE_URL=sqlite:///{run.database}"
    program = lastmile_command()
    for command in (
        f"{env} {program} export --dataset langfuse --output {dataset}",
        f"{env} LASTMILE_KNOWLEDGE_DIR={run.directory / 'knowledge'} {program} eval {dataset}",
    ):
        console.print(f"  {command}", soft_wrap=True, highlight=False, markup=False)


def _last_mile(console: Console, run: DemoRun) -> None:
    """The judgment and context gaps, week 1 -> week 2 (README: what lastmile does about them)."""
    engine = make_engine(f"sqlite:///{run.database}")
    try:
        store = Store(engine)
        one, two = last_mile(run, store, run.week1), last_mile(run, store, run.week2)
        check = silent_check(store, run.week1, run.digests1)
    finally:
        engine.dispose()
    on_subject = f"{two.warned_on_subject / two.warned:.0%}" if two.warned else "-"
    silent1, silent2 = silent_total(run.digests1), silent_total(run.digests2)
    console.print(
        f"Last mile, week 1 -> week 2: confident-but-wrong answers (flagged after showing "
        f"'Grounded') [bold]{one.confident_wrong} -> {two.confident_wrong}[/]; answers that "
        f"said their sources disagree [bold]{one.disagreed} -> {two.disagreed}[/]; known-issue "
        f"warnings [bold]{one.warned} -> {two.warned}[/] (week 2: {two.warned_on_subject} on a "
        f"subject flagged in week 1 and not fixed, {on_subject}); answers nobody flagged that "
        f"failed (the digests' Couldn't answer well) [bold]{silent1} -> {silent2}[/] (week 1: "
        f"{check.wrong} of {check.found} wrong by the demo's truth, the rest right but shown "
        f"with 'check before relying on this'; {check.missed} wrong unflagged answers not listed)."
    )


def _before_the_fix(console: Console, run: DemoRun) -> None:
    """The warning until the fix: Monday's vacation question, then week 2's."""
    asked = run.before_fix
    if asked is None:
        return
    said = "carried the known-issue warning" if asked.warned else "carried no warning"
    vacation = [r for r in run.week2 if r.ask.topic.key == asked.ask.topic.key]
    served = sum(r.verified for r in vacation)
    warned = sum(r.warned for r in vacation)
    console.print(
        f"Monday, after the digest and before the People team acted: “{asked.ask.text}” "
        f"[bold]{said}[/]; after the approval and fix, week-2 vacation askers got the verified "
        f"answer [bold]{served}/{len(vacation)}[/] and the warning {warned}/{len(vacation)}."
    )


def _digests(console: Console, title: str, posted: list[PostedDigest]) -> None:
    console.rule(f"[bold]{title}")
    if not posted:
        console.print("[yellow]No digest was posted.[/]")
    for item in posted:
        console.print(Markdown(render_markdown(item.digest)))
        console.print()


def _actions(console: Console, run: DemoRun) -> None:
    console.rule("[bold]Monday: the owners act on their digest (button clicks over signed HTTP)")
    actions = run.actions
    for topic in actions.approved:
        console.print(f"- People team approved the proposed correction for [bold]{topic}[/]")
    for topic in actions.answered:
        console.print(
            f"- People team wrote the answer for [bold]{topic}[/] from Couldn't answer well"
        )
    for page in actions.archived:
        console.print(f"- IT archived the outdated page [bold]{page}[/]")
    labels = {
        theme.theme_id: (item.digest.owner_name, theme.label)
        for item in run.digests1
        for theme in item.digest.themes
    }
    for theme_id in actions.fixed_themes:
        owner, label = labels.get(theme_id, ("An owner", f"theme #{theme_id}"))
        console.print(f"- {owner} marked the theme [bold]{label}[/] fixed")
    if not (actions.approved or actions.fixed_themes or actions.answered):
        console.print("[yellow]The owners found nothing to approve or fix.[/]")


def _rates_table(rates: dict[str, tuple[Rate, Rate]]) -> Table:
    table = Table(title="Answers with a thumbs down (and flagged in any way), per week")
    for column in ("questions", "week 1", "week 2", "flagged w1", "flagged w2"):
        table.add_column(column, justify="left" if column == "questions" else "right")
    for name, (first, second) in rates.items():
        table.add_row(
            name,
            f"{first.down_rate:.0%} ({first.downs}/{first.answers})",
            f"{second.down_rate:.0%} ({second.downs}/{second.answers})",
            f"{first.flag_rate:.0%}",
            f"{second.flag_rate:.0%}",
        )
    return table


def written(run: DemoRun) -> list[Path]:
    """The files a finished demo leaves (for tests and scripts)."""
    names = [f"digest-{p[0].digest.period.key}.md" for p in (run.digests1, run.digests2) if p]
    return [run.directory / name for name in names] + [run.directory / "thumbs-down.png"]


def lastmile_command() -> str:
    """How the reader can run lastmile: `lastmile` when on PATH, else e.g. `.venv/bin/lastmile`."""
    installed = Path(sys.executable).parent / "lastmile"
    on_path = shutil.which("lastmile")
    if not installed.exists() or (on_path and Path(on_path).resolve() == installed.resolve()):
        return "lastmile"
    try:
        return str(installed.relative_to(Path.cwd()))
    except ValueError:
        return str(installed)
