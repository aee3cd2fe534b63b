"""A refused digest is a failure that is reported and retried; a stalled claimer never posts.

Refusals come from the fake Slack (`fail_next`, Slack's `ok: false`); stalls from a clusterer
that, while the first claimer builds its digest, moves the clock past the lease and lets a
second claimer run to the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.clock import ManualClock
from bot.composition import assemble
from bot.digest import LEASE, deliver_all, deliver_digest, parse_week
from bot.digest.delivery import DigestsFailed, raise_if_failed
from bot.digest.themes import Clusters, default_clusterer
from bot.owners import sync_owners
from bot.settings import Settings
from handlers.digest.poster import SlackPoster
from storage import Store
from tests.fakes import FakeSlackApi
from tests.fakes.digest_data import install_owners, owner_spec, seed
from tests.fakes.offline_answers import offline_runtime

W46 = parse_week("2026-W46")
MONDAY = datetime(2026, 11, 16, 9, tzinfo=UTC)
CHANNELS = ("D0OWNER1", "C0PLATFORM")  # People team's DM, AI platform's channel


def _prepare(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    install_owners(store, tmp_path)
    seed(store, clock, datetime(2026, 11, 10, tzinfo=UTC), "How many vacation days?")
    seed(store, clock, datetime(2026, 11, 11, tzinfo=UTC), "VPN will not connect")
    clock.set(MONDAY)


def _digests(slack: FakeSlackApi, channel: str) -> list[str]:
    return [m["ts"] for m in slack.messages(channel) if m.get("metadata")]


def test_a_refused_post_is_a_failure_retried_at_the_next_run_and_posted_once(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi
) -> None:
    _prepare(store, clock, tmp_path)
    slack.fail_next("chat.postMessage", error="invalid_blocks")  # the first owner's post
    first = deliver_all(store, SlackPoster(slack.client(), chart=False), W46, instance_id="a")
    assert [(d.outcome, d.error) for d in first] == [
        ("failed", "the digest: invalid_blocks"),
        ("posted", ""),
    ]
    with pytest.raises(DigestsFailed, match=r"owner 1 \(People team\): the digest: invalid_blocks"):
        raise_if_failed(W46, first)
    runs = {run.owner_id: run for run in store.digest_runs(W46.key)}
    assert (runs[1].status, runs[1].error) == ("failed", "the digest: invalid_blocks")

    # No lease to wait for: the very next run takes the failed claim over and posts.
    again = deliver_all(store, SlackPoster(slack.client(), chart=False), W46, instance_id="b")
    assert [d.outcome for d in again] == ["posted", "skipped"]
    raise_if_failed(W46, again)
    third = deliver_all(store, SlackPoster(slack.client(), chart=False), W46, instance_id="c")
    assert [d.outcome for d in third] == ["skipped", "skipped"]
    for channel in CHANNELS:
        assert len(_digests(slack, channel)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 3  # the refused one, then one each
    assert {run.status for run in store.digest_runs(W46.key)} == {"posted"}


def test_digest_send_exits_non_zero_naming_the_owner_and_slacks_error(
    store: Store,
    clock: ManualClock,
    tmp_path: Path,
    slack: FakeSlackApi,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _prepare(store, clock, tmp_path)
    for name, value in {
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.api_url, "LASTMILE_OWNERS_FILE": str(tmp_path / "owners.toml"),
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    slack.fail_next("chat.postMessage", error="msg_blocks_too_long")
    args = ["digest", "--send", "--week", W46.key]
    failed = CliRunner().invoke(cli, args)
    assert failed.exit_code == 1, failed.output
    assert (
        "owner 1 (People team) 2026-W46 not posted: the digest: msg_blocks_too_long"
        in failed.stderr
    )
    assert "owner 2 2026-W46: posted" in failed.stdout
    retried = CliRunner().invoke(cli, args)
    assert retried.exit_code == 0, retried.output
    assert "owner 1 2026-W46: posted" in retried.stdout
    assert "owner 2 2026-W46: skipped" in retried.stdout
    for channel in CHANNELS:
        assert len(_digests(slack, channel)) == 1


def test_the_scheduler_retries_a_refused_digest_at_its_next_tick(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi
) -> None:
    _prepare(store, clock, tmp_path)
    clock.set(MONDAY + timedelta(minutes=5))
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url)
    bot = assemble(offline_runtime(store, settings, clock))
    scheduler = bot.services.get("digest scheduler")
    slack.fail_next("chat.postMessage", error="invalid_blocks")
    scheduler.tick_now()  # as the running bot's thread does; the failure is logged
    assert {run.status for run in store.digest_runs(W46.key)} == {"failed", "posted"}
    clock.advance(timedelta(minutes=1))
    scheduler.tick_now()
    assert {run.status for run in store.digest_runs(W46.key)} == {"posted"}
    for channel in CHANNELS:
        assert len(_digests(slack, channel)) == 1


class StallingClusterer:
    """Clusters like the product, but the first call stalls past the lease, during which a
    second claimer takes the expired claim over and posts."""

    def __init__(self, clock: ManualClock, meanwhile: Callable[[], None]) -> None:
        self.clock = clock
        self.meanwhile = meanwhile
        self.stalled = False

    def __call__(self, texts: Sequence[str]) -> Clusters:
        if not self.stalled:
            self.stalled = True
            self.clock.advance(LEASE + timedelta(seconds=1))
            self.meanwhile()
        return default_clusterer(texts)


def test_a_claimer_that_stalls_past_its_lease_does_not_post_a_second_digest(
    store: Store, clock: ManualClock, tmp_path: Path, slack: FakeSlackApi
) -> None:
    _prepare(store, clock, tmp_path)
    [people] = [o for o in store.list_owners() if o.name == "People team"]
    poster = SlackPoster(slack.client(), chart=False)
    second: list[str] = []

    def other_replica() -> None:
        delivery = deliver_digest(store, poster, people, W46, instance_id="other")
        second.append(delivery.outcome)

    stalling = StallingClusterer(clock, other_replica)
    first = deliver_digest(store, poster, people, W46, instance_id="slow", clusterer=stalling)
    assert second == ["posted"] and first.outcome == "lost"
    posts = [c for c in slack.calls_to("chat.postMessage") if c.params.get("metadata")]
    assert len(posts) == 1 and len(_digests(slack, CHANNELS[0])) == 1
    [run] = [r for r in store.digest_runs(W46.key) if r.owner_id == people.id]
    assert (run.status, run.claimed_by, run.message_ts) == (
        "posted",
        "other",
        posts[0].response["ts"],
    )


def test_only_the_current_claim_can_renew_record_or_release(
    store: Store, clock: ManualClock
) -> None:
    [owner] = sync_owners(store, [owner_spec("People team", "U0OWNER1", is_default=True)])
    assert owner.id is not None
    owner_id = owner.id
    stale = store.claim_digest(owner_id=owner_id, period="2026-W46", claimed_by="a", lease=LEASE)
    assert stale is not None and not stale.resumed
    assert store.claim_digest(owner_id=owner_id, period="2026-W46", claimed_by="b",
                              lease=LEASE) is None  # fmt: skip
    clock.advance(LEASE + timedelta(seconds=1))
    taken = store.claim_digest(owner_id=owner_id, period="2026-W46", claimed_by="b", lease=LEASE)
    assert taken is not None and taken.resumed and taken.token != stale.token
    assert not store.renew_digest_claim(stale)
    assert not store.release_digest_claim(stale, error="late")
    assert not store.record_digest_posted(stale, channel_id="C1", message_ts="1.1", summary={})
    assert store.renew_digest_claim(taken)
    assert store.record_digest_posted(taken, channel_id="C1", message_ts="2.2", summary={})
    [run] = store.digest_runs("2026-W46")
    assert (run.status, run.message_ts, run.claimed_by) == ("posted", "2.2", "b")
