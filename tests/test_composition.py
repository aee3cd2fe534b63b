"""The composition root: every assembled bot has the same background services, and they work."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.composition import assemble
from bot.runtime import Runtime
from bot.settings import Settings
from storage import Store
from tests.fakes import FakeSlackApi
from tests.fakes.digest_data import seed
from tests.fakes.offline_answers import offline_runtime


def _runtime(store: Store, clock: ManualClock, api_url: str, **settings: object) -> Runtime:
    chosen = Settings(slack_bot_token="xoxb-test", slack_api_url=api_url, **settings)  # type: ignore[arg-type]
    return offline_runtime(store, chosen, clock)


def test_every_bot_runs_every_background_service(
    store: Store, clock: ManualClock, slack: FakeSlackApi, tmp_path: Path
) -> None:
    plain = assemble(_runtime(store, clock, slack.api_url))
    assert plain.services.names() == [
        "event workers",
        "digest scheduler",
        "verified review",
        "retention",
        "urgent pings",
    ]
    with_knowledge = assemble(_runtime(store, clock, slack.api_url, knowledge_dir=tmp_path))
    assert with_knowledge.services.names()[-1] == "knowledge watcher"


def test_the_retention_service_purges_what_is_past_its_keeping_time(
    store: Store, clock: ManualClock, slack: FakeSlackApi
) -> None:
    old = seed(store, clock, datetime(2025, 1, 6, tzinfo=UTC), "A question from long ago?")
    recent = seed(store, clock, datetime(2026, 11, 10, tzinfo=UTC), "A question from last week?")
    clock.set(datetime(2026, 11, 16, 9, tzinfo=UTC))
    bot = assemble(_runtime(store, clock, slack.api_url, retention_days=30))
    bot.services.get("retention").tick_now()
    assert store.get_question(old.question_id) is None
    assert store.get_question(recent.question_id) is not None
    bot.services.get("retention").tick_now()  # nothing left to purge: a no-op
    assert store.get_question(recent.question_id) is not None
