"""`lastmile eval`: replay an eval dataset through the prompt and model; fail on regression."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from bot.cli.common import fail, load_settings
from bot.eval.cases import DatasetError, load_cases

EXIT_REGRESSION = 1


@click.command(name="eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier results file: exit 1 if a question fixed there fails now.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("eval-results.json"),
    show_default=True,
    help="Where to write this run's results (JSON).",
)
@click.option(
    "--no-verified",
    is_flag=True,
    help="Ignore verified answers in the database: test the prompt and knowledge alone.",
)
@click.option(
    "--judge/--no-judge",
    default=None,
    help="Ask the model whether each answer agrees with its correction "
    "[default: judge when a provider key is set].",
)
def eval_command(
    dataset: Path, baseline: Path | None, output: Path, no_verified: bool, judge: bool | None
) -> None:
    """Replay DATASET (Langfuse, LangSmith, Braintrust or `lastmile export` JSONL) and score it.

    Each question is answered by the configured provider, prompt and knowledge folder (and the
    database's verified answers unless --no-verified), then compared with its correction: the
    model's PASS/FAIL when judging, else (or when the judge errs) the similarity score.
    Exit codes: 0 no regression, 1 a question fixed in --baseline fails now, 2 bad input.
    """
    from bot.asking import verified_entries
    from bot.eval.judge import Judge
    from bot.eval.replay import regressions, replay
    from bot.eval.table import results_table, verdicts_table
    from bot.runtime import build_runtime

    try:
        cases = load_cases(dataset)
    except DatasetError as error:
        fail(f"lastmile eval: {error}")
    previous = _read_baseline(baseline) if baseline else None
    settings = load_settings()
    if judge and settings.provider in ("offline", "http"):
        # The http provider is the company's assistant, not a general model to judge with.
        fail("lastmile eval: --judge needs a model: set ANTHROPIC_API_KEY or OPENAI_API_KEY.")
    runtime = build_runtime(settings)
    use_judge = runtime.answerer.grounding == "llm" if judge is None else judge
    judge_with = (
        Judge(
            runtime.answerer,
            timeout_s=settings.answer_timeout_s,
            prompt=runtime.prompts["eval_judge"],
        )
        if use_judge
        else None
    )
    try:
        verified = [] if no_verified else verified_entries(runtime)
        report = replay(runtime, cases, verified, judge_with)
    finally:
        runtime.store.engine.dispose()
    output.write_text(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n")
    from rich.console import Console

    console = Console()
    console.print(results_table(report))
    if report.judge:
        console.print(verdicts_table(report))
    fixed = Counter(r.fixed for r in report.results)
    console.print(f"{fixed[True]} fixed, {fixed[False]} still failing. Results: {output}")
    if previous is not None:
        broken = regressions(report.results, previous)
        for result in broken:
            console.print(f"[red]Regression:[/] {result.question}")
        if broken:
            sys.exit(EXIT_REGRESSION)
        console.print("No regression against the baseline.")


def _read_baseline(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"lastmile eval: cannot read the baseline {path}: {error}")
    if not isinstance(data, dict):
        fail(f"lastmile eval: {path} is not a results file written by lastmile eval")
    return data
