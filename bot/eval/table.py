"""The eval results as a rich table: fixed and still failing, per theme and per prompt version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from rich.markup import escape
from rich.table import Table

from bot.eval.replay import CaseResult, EvalReport


def _groups(results: list[CaseResult], key: Callable[[CaseResult], str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        groups[key(result)][0 if result.fixed else 1] += 1
    return dict(sorted(groups.items()))


def results_table(report: EvalReport) -> Table:
    """Rows per theme, then per prompt version of the original answers, then the total."""
    verified = "with verified answers" if report.verified_used else "prompt and knowledge alone"
    scored = f"judge {report.judge}" if report.judge else "similarity only"
    title = f"lastmile eval: {report.prompt_version} · {report.model} ({verified}; {scored})"
    table = Table(title=title)
    for column in ("group", "fixed", "still failing"):
        table.add_column(column, justify="left" if column == "group" else "right")
    results = report.results
    for name, (fixed, failing) in _groups(results, lambda r: r.theme or "-").items():
        shown = f"theme {name}" if name.isdigit() or name == "-" else name
        table.add_row(shown, str(fixed), str(failing))
    by_version = _groups(results, lambda r: r.prompt_version or "-")
    for name, (fixed, failing) in by_version.items():
        table.add_row(f"was {name}", str(fixed), str(failing), style="dim")
    total = sum(r.fixed for r in results)
    table.add_row("all", str(total), str(len(results) - total), style="bold")
    return table


def verdicts_table(report: EvalReport) -> Table:
    """One row per case: similarity, the judge's verdict and reason, and the decision."""
    table = Table(title=f"judge {escape(report.judge)}: PASS/FAIL decides; similarity when it errs")
    for column in ("case", "similarity", "judge", "reason", "fixed"):
        table.add_column(column, justify="right" if column == "similarity" else "left")
    for r in report.results:
        verdict = {"pass": "PASS", "fail": "FAIL", "error": "error"}.get(r.judge, "-")
        table.add_row(
            escape(_clip(r.question)), f"{r.score:.0f}", verdict, escape(_clip(r.judge_reason)),
            "yes" if r.fixed else "no",
        )  # fmt: skip
    return table


def _clip(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
