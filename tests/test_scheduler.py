"""The digest schedule: which periods are due (pure), and the thread posting through Slack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.composition import assemble
from bot.digest import parse_week
from bot.scheduler import due_periods, last_fire, next_wait, run_due
from bot.settings import Settings
from storage import Store
from tests.fakes import FakeSlackApi
from tests.fakes.digest_data import install_owners, seed
from tests.fakes.offline_answers import offline_runtime

MONDAY_9 = "0 9 * * 1"
MON = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday of 2026-W47


def test_nothing_is_due_between_fire_times() -> None:
    last = MON + timedelta(minutes=1)
    assert due_periods(MON + timedelta(days=3), last, schedule=MONDAY_9) == []


def test_the_week_that_just_ended_is_due_at_the_fire_time() -> None:
    due = due_periods(MON, MON - timedelta(minutes=1), schedule=MONDAY_9)
    assert [p.key for p in due] == ["2026-W46"]


def test_first_start_catches_up_with_the_latest_fire_time() -> None:
    due = due_periods(MON + timedelta(days=2), None, schedule=MONDAY_9)
    assert [p.key for p in due] == ["2026-W46"]


def test_a_start_at_the_exact_fire_time_sends_the_week_that_just_ended() -> None:
    # croniter's get_prev is strictly before: at 09:00:00 sharp it would pick last Monday.
    assert last_fire(MONDAY_9, "UTC", MON) == MON
    assert [p.key for p in due_periods(MON, None, schedule=MONDAY_9)] == ["2026-W46"]


def test_missed_weeks_are_all_due() -> None:
    due = due_periods(MON + timedelta(days=14), MON, schedule=MONDAY_9)
    assert [p.key for p in due] == ["2026-W47", "2026-W48"]


def test_schedule_is_read_in_the_configured_time_zone() -> None:
    # 09:00 in Tokyo on Monday is 00:00 UTC: due at 00:00 UTC, not at 09:00 UTC.
    due = due_periods(MON - timedelta(hours=9), MON - timedelta(hours=10),
                      schedule=MONDAY_9, timezone="Asia/Tokyo")  # fmt: skip
    assert [(p.key, p.timezone) for p in due] == [("2026-W46", "Asia/Tokyo")]
    assert parse_week("2026-W46", "Asia/Tokyo").start == datetime(2026, 11, 8, 15, tzinfo=UTC)


def test_a_failed_send_is_retried_next_tick() -> None:
    sent: list[str] = []

    def flaky(period: object) -> None:
        sent.append(str(period))
        if len(sent) == 1:
            raise RuntimeError("slack down")

    last = MON - timedelta(minutes=1)
    after_failure = run_due(flaky, MON, last, schedule=MONDAY_9, timezone="UTC")
    assert after_failure == last
    assert run_due(flaky, MON + timedelta(minutes=1), after_failure, schedule=MONDAY_9,
                   timezone="UTC") == MON + timedelta(minutes=1)  # fmt: skip
    assert len(sent) == 2


def test_wait_is_capped_so_clock_changes_are_noticed() -> None:
    assert next_wait(MON - timedelta(seconds=5), schedule=MONDAY_9, timezone="UTC") == 5.0
    assert next_wait(MON + timedelta(hours=1), schedule=MONDAY_9, timezone="UTC") == 60.0


def test_thread_posts_each_owner_digest_then_stops(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    install_owners(store, tmp_path)
    seed(store, clock, datetime(2026, 11, 10, tzinfo=UTC), "How many vacation days?")
    clock.set(MON + timedelta(minutes=5))
    with FakeSlackApi() as slack:
        settings = Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url)
        runtime = offline_runtime(store, settings, clock)
        bot = assemble(runtime)
        bot.start()  # every background service, as `lastmile serve` starts them
        try:
            slack.wait_for("files.completeUploadExternal", count=2, timeout=30)
        finally:
            bot.stop()
        assert all(service.join(0) for service in bot.services)
        posted = [c.params["channel"] for c in slack.calls_to("chat.postMessage")]
        assert sorted(posted) == ["C0PLATFORM", "D0OWNER1"]
        assert {run.status for run in store.digest_runs("2026-W46")} == {"posted"}
