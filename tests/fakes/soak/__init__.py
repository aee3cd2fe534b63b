"""A soak of `lastmile serve` as deployed: two replicas behind a round-robin balancer, one
PostgreSQL behind a TCP proxy that is cut every minute, a fake Slack and a fake LLM provider
that fail a share of calls, one replica killed with `kill -9` and restarted, and a Slack-like
sender that retries events as Slack does. `run_soak(SoakConfig(...))` returns the counts that
bench/bench_soak.py prints and tests/test_soak.py asserts.
"""

from .config import SoakConfig
from .measure import SoakResult
from .run import run_soak

__all__ = ["SoakConfig", "SoakResult", "run_soak"]
