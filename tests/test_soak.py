"""A short soak of two `lastmile serve` replicas under faults: nothing lost, doubled or cut.

About 60 s of load at 6 deliveries a second, with 10% of Web API calls failing (500 or 429)
and 10% of LLM calls failing and 10% stalling 2 s, one 3 s cut of PostgreSQL (through a TCP
proxy) and one replica killed with kill -9 and restarted; then up to 240 s for the backlog.
The full soak with its table is `python -m bench.bench_soak` (tests/fakes/soak says how each
number is counted).
"""

from __future__ import annotations

import pytest

from tests.conftest import postgres_base_url
from tests.fakes.soak import SoakConfig, run_soak
from tests.fakes.soak.report import markdown


@pytest.mark.postgres
@pytest.mark.timeout(600)
def test_a_short_soak_loses_doubles_and_truncates_nothing() -> None:
    base = postgres_base_url()
    if base is None:
        pytest.skip("no PostgreSQL; set LASTMILE_TEST_POSTGRES_URL")
    config = SoakConfig(
        rate=6.0,
        seconds=60.0,
        faults=0.1,
        pg_cut_every_s=60.0,
        kill_at=0.4,
        drain_s=240.0,
        postgres_url=base,
    )
    result = run_soak(config, log=False)
    table = markdown(config, result)
    assert result.questions > 0 and result.feedback_acked > 0, table
    assert result.lost_questions == [], table
    assert result.lost_feedback == [], table
    assert result.doubled == [], table
    assert result.truncated == [], table
