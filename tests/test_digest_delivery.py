"""Exactly-once digests: racing replicas on one database, and crashes around the post."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.digest import LEASE, Delivery, Digest, deliver_all, parse_week
from handlers.digest.poster import SlackPoster
from storage import Store, make_engine
from tests.fakes import FakeSlackApi
from tests.fakes.digest_data import install_owners, seed

W46 = parse_week("2026-W46")
CHANNELS = ("D0OWNER1", "C0PLATFORM")  # People team's DM, AI platform's channel


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


class CrashBeforePost(SlackPoster):
    """Dies after the claim, before anything reaches Slack."""

    def post(self, channel: str, digest: Digest) -> str:
        raise Crash


class CrashAfterPost(SlackPoster):
    """Dies after Slack accepted the message, before the ts is recorded."""

    def post(self, channel: str, digest: Digest) -> str:
        super().post(channel, digest)
        raise Crash


def _prepare(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    install_owners(store, tmp_path)
    seed(store, clock, datetime(2026, 11, 10, tzinfo=UTC), "How many vacation days?")
    seed(store, clock, datetime(2026, 11, 11, tzinfo=UTC), "VPN will not connect")
    clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))


def _digests(slack: FakeSlackApi, channel: str) -> list[str]:
    return [m["ts"] for m in slack.messages(channel) if m.get("metadata")]


def test_two_replicas_racing_post_one_digest_per_owner(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi, database_url: str
) -> None:
    _prepare(store, clock, tmp_path)
    periods = [W46.previous().previous(), W46.previous(), W46]
    barrier = threading.Barrier(2)
    results: list[list[Delivery]] = [[], []]

    def replica(index: int) -> None:
        engine = make_engine(database_url)  # its own engine and pool, like another process
        try:
            mine = Store(engine, clock=clock)
            poster = SlackPoster(slack.client(), chart=False)
            for period in periods:
                barrier.wait(timeout=10)
                results[index] += deliver_all(mine, poster, period, instance_id=f"replica-{index}")
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcomes = sorted(d.outcome for d in results[0] + results[1])
    assert outcomes == ["posted"] * 6 + ["skipped"] * 6
    for channel in CHANNELS:
        assert len(_digests(slack, channel)) == 3  # one per period
    assert len(slack.calls_to("chat.postMessage")) == 6
    assert {run.status for p in periods for run in store.digest_runs(p.key)} == {"posted"}


def test_crash_between_claim_and_post_resumes_with_one_post(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi
) -> None:
    _prepare(store, clock, tmp_path)
    with pytest.raises(Crash):
        deliver_all(store, CrashBeforePost(slack.client()), W46, instance_id="dies")
    [run] = [r for r in store.digest_runs(W46.key) if r.status == "claimed"]
    assert slack.calls_to("chat.postMessage") == []

    # The crash stopped the run at the first owner; a second run within the lease leaves that
    # claim alone and posts the owner nobody had claimed.
    fresh = deliver_all(store, SlackPoster(slack.client()), W46, instance_id="next")
    assert [d.outcome for d in fresh] == ["skipped", "posted"]
    clock.advance(LEASE + timedelta(seconds=1))
    resumed = deliver_all(store, SlackPoster(slack.client()), W46, instance_id="next")
    assert [d.outcome for d in resumed] == ["posted", "skipped"]
    for channel in CHANNELS:
        assert len(_digests(slack, channel)) == 1
    again = deliver_all(store, SlackPoster(slack.client()), W46, instance_id="third")
    assert [d.outcome for d in again] == ["skipped", "skipped"]
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_crash_after_post_is_reconciled_from_history_without_reposting(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi
) -> None:
    _prepare(store, clock, tmp_path)
    with pytest.raises(Crash):
        deliver_all(store, CrashAfterPost(slack.client()), W46, instance_id="dies")
    [posted_ts] = _digests(slack, CHANNELS[0])
    clock.advance(LEASE + timedelta(seconds=1))
    resumed = deliver_all(store, SlackPoster(slack.client()), W46, instance_id="next")
    assert [d.outcome for d in resumed] == ["reconciled", "posted"]
    assert _digests(slack, CHANNELS[0]) == [posted_ts]
    assert len(_digests(slack, CHANNELS[1])) == 1
    runs = {run.owner_id: run for run in store.digest_runs(W46.key)}
    assert {run.status for run in runs.values()} == {"posted"}
    assert posted_ts in {run.message_ts for run in runs.values()}


def test_two_processes_sending_at_once_post_one_digest_per_owner(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi, database_url: str
) -> None:
    _prepare(store, clock, tmp_path)
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.api_url,
        "LASTMILE_OWNERS_FILE": str(tmp_path / "owners.toml"),
    }
    command = [sys.executable, "-c", "from bot.cli import main; main()", "digest", "--send"]
    command += ["--week", W46.key]
    # Two real processes (separate interpreters, engines and pools), started together.
    processes = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    for channel in CHANNELS:
        assert len(_digests(slack, channel)) == 1
    assert len(slack.calls_to("chat.postMessage")) == len(CHANNELS)
    assert {run.status for run in store.digest_runs(W46.key)} == {"posted"}
