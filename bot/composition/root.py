"""Assemble a running lastmile: the Bolt app, its Web API client and every background service.

`run`, `serve` and the demo all get their bot from `assemble`, and its services from
`background_services`, so no entry point can forget one (the digest scheduler once had no
caller at all). Add a new background service here and every entry point runs it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient

from bot.answering.reload import KnowledgeWatcher
from bot.clock import system_clock
from bot.composition.services import BackgroundService, Service, Services
from bot.digest.delivery import Delivery, raise_if_failed
from bot.digest.period import Period
from bot.retention import RetentionJob
from bot.runtime import Runtime, build_runtime
from bot.scheduler import DigestScheduler, Send
from bot.settings import Settings
from handlers.app import build_app, make_client
from handlers.digest.send import send_digests
from handlers.digest.verified_review import REVIEW_LOOK_S, verified_review
from handlers.feedback.urgent_flush import UrgentPingFlusher
from handlers.workers import EventWorkers

log = logging.getLogger(__name__)
RETENTION_FIRST_S = 60.0
"""The first purge waits a minute: start-up (resume pass, first digest look) goes first."""
DIGEST_LOOK_S = 60.0
"""The scheduler's longest sleep: it re-reads the clock at least this often."""


@dataclass
class RunningBot:
    """One process's bot: what Slack talks to, and what runs beside it."""

    runtime: Runtime
    client: WebClient
    app: App
    workers: EventWorkers
    services: Services
    started: bool = field(default=False, init=False)

    def start(self) -> None:
        """Start every background service, the event workers first.

        The workers take what an earlier run left unfinished from the database as they take
        new events: start-up does not wait for it, and a database blip can't stop it.
        """
        self.services.start()
        self.started = True

    def reload_knowledge(self) -> None:
        """Look at the knowledge folder now (SIGHUP) instead of at the next interval."""
        try:
            self.services.get(KnowledgeWatcher.name).wake()
        except KeyError:
            log.info("no LASTMILE_KNOWLEDGE_DIR: nothing to reload")

    def stop(self) -> None:
        """Stop the background services (the transport is stopped by its owner first)."""
        if self.started:
            self.services.stop()
            self.started = False
        self.runtime.traces.close()  # the last spans, bounded in time


def assemble(
    runtime: Runtime, *, synchronous: bool = False, send_digest: Send | None = None
) -> RunningBot:
    """The app, client and services on `runtime`; nothing is started yet.

    `synchronous` runs every listener inside the request (the demo's simulated clock needs
    it); `send_digest` replaces posting through Slack (the demo keeps what it posts).
    """
    client = make_client(runtime)
    workers = EventWorkers(runtime, client, answer_workers=runtime.settings.workers)
    hand_off = None if synchronous else workers.notify
    app = build_app(runtime, client=client, synchronous=synchronous, hand_off=hand_off)

    def post_through_slack(period: Period) -> object:
        deliveries = send_digests(runtime, client, period)
        log_deliveries(period, deliveries)
        raise_if_failed(period, deliveries)  # the scheduler runs the period again next tick
        return deliveries

    services = background_services(runtime, workers, send_digest or post_through_slack)
    return RunningBot(runtime, client, app, workers, services)


def log_deliveries(period: Period, deliveries: list[Delivery]) -> None:
    """One line per scheduled run: how many owners got it (ids and counts only)."""
    outcomes = Counter(delivery.outcome for delivery in deliveries)
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    log.info("digest %s sent by the schedule: %s", period.key, summary or "no owners")


def background_services(runtime: Runtime, workers: EventWorkers, send: Send) -> Services:
    """Every background service a running bot has, in start order."""
    settings = runtime.settings
    scheduler = DigestScheduler(
        send, runtime.clock, schedule=settings.digest_schedule, timezone=settings.timezone
    )
    client = workers.app.client
    services: list[Service] = [
        workers,
        # First look at once: a digest that fell due while no replica ran is sent at start.
        BackgroundService(scheduler, DIGEST_LOOK_S, first_after_s=0.0),
        BackgroundService(verified_review(runtime, client), REVIEW_LOOK_S),
        # Soon after start too: a bot restarted more often than hourly still purges.
        BackgroundService(
            RetentionJob(runtime.store, settings.retention_days, runtime.clock),
            RetentionJob.every_s,
            first_after_s=RETENTION_FIRST_S,
        ),
        # Urgent pings that waited for their owner's interval go out within a minute of it.
        BackgroundService(urgent := UrgentPingFlusher(runtime, client), urgent.every_s),
    ]
    if settings.knowledge_dir is not None:
        watcher = KnowledgeWatcher(runtime, settings.knowledge_dir)
        every = settings.knowledge_reload_s or None  # 0: only when asked (SIGHUP)
        services.append(BackgroundService(watcher, every))
    return Services(services)


def compose(
    settings: Settings,
    *,
    instance_id: str,
    clock: Callable[[], datetime] = system_clock,
) -> RunningBot:
    """Connect the database, load knowledge and provider, and assemble the bot."""
    runtime = build_runtime(
        settings, clock=clock, instance_id=instance_id, wait_for_database_s=settings.database_wait_s
    )
    return assemble(runtime)


def send_now(settings: Settings, period: Period, *, instance_id: str) -> list[Delivery]:
    """Post `period`'s digests once, outside a running bot (`lastmile digest --send`)."""
    runtime = build_runtime(settings, instance_id=instance_id)
    try:
        return send_digests(runtime, make_client(runtime), period)
    finally:
        runtime.store.engine.dispose()
