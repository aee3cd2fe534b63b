"""Soak of `lastmile serve` as deployed: what is lost, doubled or cut short under faults.

Two `lastmile serve` replicas behind a round-robin balancer, on a fresh PostgreSQL database
(`soak_<hex>`, dropped after) reached through a TCP proxy that cuts every connection and
refuses new ones for `--pg-cut` s every `--pg-cut-every` s; a fake Slack Web API answering a
seeded `--faults` share of calls with 500 or 429 (Retry-After: 1); a fake Anthropic API
(SSE streaming) failing the same share with 500 and stalling as many 2 s; replica 0 killed
with kill -9 at 40% of the load and restarted 2 s later. A Slack-like sender sends signed
deliveries at a fixed open-loop rate, ~70% questions (app_mention / message.im, unique text)
and ~30% feedback on answers already posted (thumbs-down reactions, thumbs clicks), and
retries events as Slack does (no 2xx within 3 s, or a 5xx: same body, X-Slack-Retry-Num 1..3,
X-Slack-Retry-Reason; after 1, 3 and 10 s instead of Slack's ~0 s, 1 min, 5 min). Clicks are
never retried. After the load it waits for the backlog (at most `--drain` s) and counts from
the fake Slack's call log and the database; tests/fakes/soak/measure.py says how.

    python -m bench.bench_soak --rate 20 --seconds 300 --faults 0.1
    python -m bench.bench_soak --find-capacity   # ack p99 < 1 s at 5, 10, 15, 20, 30/s

Needs PostgreSQL: LASTMILE_TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

from tests.fakes.soak import SoakConfig, SoakResult, run_soak
from tests.fakes.soak.config import LOCAL_POSTGRES
from tests.fakes.soak.report import markdown, seconds

CAPACITY_RATES = (5.0, 10.0, 15.0, 20.0, 30.0)
CAPACITY_P99_S = 1.0


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--rate", type=float, default=10.0, help="deliveries per second (open loop)")
    add("--seconds", type=float, default=60.0, help="how long load is sent")
    add("--faults", type=float, default=0.1, help="share of Web API and LLM calls that fail")
    add("--feedback-share", type=float, default=0.3, help="share of deliveries that are feedback")
    add("--pg-cut-every", type=float, default=60.0, help="seconds between database cuts (0: none)")
    add("--pg-cut", type=float, default=3.0, help="seconds each database cut lasts")
    add("--no-kill", action="store_true", help="do not kill -9 a replica")
    add("--kill-in-cut", action="store_true", help="kill the replica while the database is cut")
    add("--drain", type=float, default=300.0, help="max seconds to wait for the backlog")
    add("--seed", type=int, default=7)
    add("--find-capacity", action="store_true", help="step the rate; ack p99 under 1 s")
    add("--step-seconds", type=float, default=30.0, help="load per capacity step")
    return parser.parse_args()


def config_from(args: argparse.Namespace) -> SoakConfig:
    """The run's configuration from the command line and the environment."""
    return SoakConfig(
        rate=args.rate,
        seconds=args.seconds,
        faults=args.faults,
        feedback_share=args.feedback_share,
        pg_cut_every_s=args.pg_cut_every,
        pg_cut_s=args.pg_cut,
        kill_at=None if args.no_kill else 0.4,
        kill_in_cut=args.kill_in_cut,
        drain_s=args.drain,
        seed=args.seed,
        postgres_url=os.environ.get("LASTMILE_TEST_POSTGRES_URL", "").strip() or LOCAL_POSTGRES,
    )


def find_capacity(base: SoakConfig, step_seconds: float) -> None:
    """Step the rate (no kill, no database cut, the same Slack and LLM faults, 60 s drain)."""
    print("| rate /s | per replica /s | ack p50 | ack p99 | lost q | lost fb | drained |")
    print("|---|---|---|---|---|---|---|")
    sustained = 0.0
    for rate in CAPACITY_RATES:
        config = replace(
            base, rate=rate, seconds=step_seconds, kill_at=None, pg_cut_every_s=0, drain_s=60
        )
        result = run_soak(config, log=False)
        _capacity_row(config, result)
        if result.ack_p99 is None or result.ack_p99 >= CAPACITY_P99_S:
            break
        sustained = rate
    per = sustained / base.replicas
    print(f"\nsustained with ack p99 < {CAPACITY_P99_S:g} s: {sustained:g}/s ({per:g}/s a replica)")
    print(
        f"`python -m bench.bench_soak --find-capacity --faults {base.faults:g} "
        f"--step-seconds {step_seconds:g} --seed {base.seed}`"
    )


def _capacity_row(config: SoakConfig, result: SoakResult) -> None:
    drained = seconds(result.drain_s) if result.drain_s is not None else "no"
    print(
        f"| {config.rate:g} | {config.rate / config.replicas:g} | {seconds(result.ack_p50)} "
        f"| {seconds(result.ack_p99)} | {len(result.lost_questions)} "
        f"| {len(result.lost_feedback)} | {drained} |",
        flush=True,
    )


def main() -> None:
    """Run one soak (or the capacity steps) and print the table."""
    args = parse_args()
    config = config_from(args)
    if args.find_capacity:
        find_capacity(config, args.step_seconds)
        return
    print(markdown(config, run_soak(config)))


if __name__ == "__main__":
    main()
