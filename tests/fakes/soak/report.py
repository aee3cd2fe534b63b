"""The soak's markdown table, with the first few ids behind every bad number."""

from __future__ import annotations

from .config import SoakConfig
from .measure import SHOW, SoakResult


def seconds(value: float | None) -> str:
    """`0.123 s`, or `-` when there was nothing to measure."""
    return "-" if value is None else f"{value:.3f} s"


def _ids(items: list[str]) -> str:
    if not items:
        return ""
    more = f" (+{len(items) - SHOW} more)" if len(items) > SHOW else ""
    return ", ".join(items[:SHOW]) + more


def rows(config: SoakConfig, result: SoakResult) -> list[tuple[str, str, str]]:
    """(measure, value, first ids) for each line of the table."""
    sent = ", ".join(f"{n} {kind}" for kind, n in sorted(result.sent.items()))
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
    drain = seconds(result.drain_s) if result.drain_s is not None else f"> {config.drain_s:g} s"
    return [
        ("deliveries sent", f"{sum(result.sent.values())} ({sent})", ""),
        ("HTTP attempts (retries included)", f"{result.attempts} ({statuses})", ""),
        ("questions answered / error notice", f"{result.answered} / {result.error_notices}", ""),
        ("questions lost", str(len(result.lost_questions)), _ids(result.lost_questions)),
        (
            "questions never acked (Slack gave up)",
            str(len(result.refused_questions)),
            _ids(result.refused_questions),
        ),
        (
            "feedback lost (of acked)",
            f"{len(result.lost_feedback)} of {result.feedback_acked}",
            _ids(result.lost_feedback),
        ),
        (
            "feedback never acked (clicks are not retried)",
            str(len(result.refused_feedback)),
            _ids(result.refused_feedback),
        ),
        ("doubled replies", str(len(result.doubled)), _ids(result.doubled)),
        ("truncated replies", str(len(result.truncated)), _ids(result.truncated)),
        ("ack p50 / p99", f"{seconds(result.ack_p50)} / {seconds(result.ack_p99)}", ""),
        (
            "question to answer p50 / p99",
            f"{seconds(result.answer_p50)} / {seconds(result.answer_p99)}",
            "",
        ),
        ("backlog drain after load", drain, ""),
    ]


def command_for(config: SoakConfig) -> str:
    """The command line that reproduces this run."""
    kill = "" if config.kill_at is not None else " --no-kill"
    kill += " --kill-in-cut" if config.kill_in_cut else ""
    return (
        f"python -m bench.bench_soak --rate {config.rate:g} --seconds {config.seconds:g} "
        f"--faults {config.faults:g} --pg-cut-every {config.pg_cut_every_s:g} "
        f"--pg-cut {config.pg_cut_s:g} --drain {config.drain_s:g} --seed {config.seed}{kill}"
    )


def markdown(config: SoakConfig, result: SoakResult) -> str:
    """The whole report: the table, the timeline and notes, and the command."""
    lines = [
        f"soak: {config.replicas} replicas, {config.rate:g}/s for {config.seconds:g} s, "
        f"Web API faults {config.faults:.0%}, LLM 500 {config.llm_fail_share:.0%} / "
        f"{config.llm_slow_s:g} s stall {config.llm_slow_share:.0%}, Slack retries after "
        f"{', '.join(f'{d:g}' for d in config.retry_delays_s)} s (scaled from ~0 s, 1 min, 5 min)",
        "",
        "| measure | value | first ids |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {ids} |" for name, value, ids in rows(config, result)]
    lines += ["", *(f"- {note}" for note in result.notes), "", f"`{command_for(config)}`"]
    return "\n".join(lines)
