"""A running `lastmile serve` sends the weekly digest by itself, once across replicas.

Nobody calls `lastmile digest --send` here: real processes start with a minutely schedule on a
database holding last week's flagged answers, and the fake Slack must receive each owner's
digest. Last week is real last week: the processes run on the system clock.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.digest.period import period_ended_before
from storage import Store, make_engine, upgrade
from tests.fakes import FakeSlackApi
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.process_output import StderrLines
from tests.fakes.transport import SECRET
from tests.test_transport_cli import environment, start, stop

OWNER_CHANNELS = ("D0OWNER1", "C0PLATFORM")  # People team's DM, AI platform's channel
EVERY_MINUTE = "* * * * *"


def _last_week_with_failures(database_url: str, tmp_path: Path) -> str:
    """Seed flagged answers in the week before now; return that week's key."""
    period = period_ended_before(datetime.now(UTC), "UTC")
    clock = ManualClock(period.start + timedelta(days=1, hours=10))
    engine = make_engine(database_url)
    upgrade(engine)
    store = Store(engine, clock=clock)
    install_owners(store, tmp_path)  # writes tmp_path/owners.toml too
    seed(store, clock, period.start + timedelta(days=1), "How many vacation days?")
    seed(store, clock, period.start + timedelta(days=2), "VPN will not connect")
    engine.dispose()
    return period.key


def _serve(database_url: str, slack: FakeSlackApi, tmp_path: Path) -> subprocess.Popen[str]:
    env = environment(
        database_url,
        slack,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        LASTMILE_OWNERS_FILE=str(tmp_path / "owners.toml"),
        LASTMILE_DIGEST_SCHEDULE=EVERY_MINUTE,
    )
    return start(["serve", "--host", "127.0.0.1", "--port", "0"], env, tmp_path)


def _digests(slack: FakeSlackApi, channel: str, week: str) -> list[str]:
    """Digest messages (they carry our marker in message metadata) posted for `week`."""
    return [
        message["ts"]
        for message in slack.messages(channel)
        if week in str(message.get("metadata", {}).get("event_payload", {}))
    ]


def test_serve_posts_each_owners_digest_on_its_schedule(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    week = _last_week_with_failures(database_url, tmp_path)
    proc = _serve(database_url, slack, tmp_path)
    stderr = StderrLines(proc)
    try:
        stderr.wait_for("background services: event workers, digest scheduler")
        line = stderr.wait_for(f"digest {week} sent by the schedule")
    finally:
        code = stop(proc)
    assert "2 posted" in line
    assert code == 0
    for channel in OWNER_CHANNELS:
        assert len(_digests(slack, channel, week)) == 1, channel


@pytest.mark.postgres
def test_two_replicas_on_postgresql_post_each_digest_once(
    postgres_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    week = _last_week_with_failures(postgres_url, tmp_path)
    replicas = [_serve(postgres_url, slack, tmp_path) for _ in range(2)]
    logs = [StderrLines(proc) for proc in replicas]
    try:
        lines = [log.wait_for(f"digest {week} sent by the schedule") for log in logs]
    finally:
        codes = [stop(proc) for proc in replicas]
    assert codes == [0, 0]
    # Both replicas ran the schedule; between them the two owners got one digest each.
    assert all("posted" in line or "skipped" in line for line in lines)
    for channel in OWNER_CHANNELS:
        assert len(_digests(slack, channel, week)) == 1, channel
