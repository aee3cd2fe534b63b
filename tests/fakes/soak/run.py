"""`run_soak`: set everything up, send the load, let the backlog drain, count, tear down."""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.fakes.slack_api import FakeSlackApi

from .chaos import Chaos
from .config import SoakConfig
from .measure import SoakResult, feedback_rows, measure
from .replicas import BOT_TOKEN, Balancer, Replica, replica_env, stop_all, upgrade_database
from .sender import SlackLikeSender
from .traffic import Traffic, send_open_loop
from .world import SoakDatabase, faulty_llm, faulty_slack, write_knowledge

SECRET = "soak-signing-secret"
POLL_S = 1.0


def _settings(slack_api_url: str, llm_url: str, knowledge: Path) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api_url,
        "LASTMILE_PROVIDER": "anthropic",
        "ANTHROPIC_API_KEY": "sk-soak",
        "ANTHROPIC_BASE_URL": llm_url,
        "LASTMILE_KNOWLEDGE_DIR": str(knowledge),
        "LASTMILE_LOG_LEVEL": "INFO",
    }


def run_soak(config: SoakConfig, *, log: bool = True) -> SoakResult:
    """One whole run; the workdir with the replicas' logs is named in `result.notes`."""
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    say: Callable[[str], None] = print if log else (lambda _: None)
    slack = faulty_slack(config)
    llm, chooser = faulty_llm(config)
    database = SoakDatabase(config.postgres_url)
    replicas: list[Replica] = []
    try:
        extra = _settings(slack.api_url, llm.base_url, write_knowledge(workdir / "knowledge"))
        upgrade_database(replica_env(database.direct_url, extra), workdir)
        env = replica_env(database.proxied_url, extra)
        replicas = [Replica(i, env, workdir) for i in range(config.replicas)]
        for replica in replicas:
            say(f"replica {replica.index} at {replica.start()}")
        result = _load_and_drain(config, replicas, database, slack, say)
        result.notes.append(f"LLM: {chooser.failed} calls failed 500, {chooser.slow} stalled")
        faults = slack.random_faults
        injected = sum(faults.injected.values()) if faults else 0
        result.notes.append(f"Web API: {injected} of {len(slack.calls)} calls answered 500/429")
        result.notes.append(f"replica logs: {workdir}")
        return result
    finally:
        stop_all(replicas)
        with contextlib.suppress(Exception):
            database.close()
        llm.stop()
        slack.stop()


def _load_and_drain(
    config: SoakConfig,
    replicas: list[Replica],
    database: SoakDatabase,
    slack: FakeSlackApi,
    say: Callable[[str], None],
) -> SoakResult:
    traffic = Traffic(slack, config.seed, config.feedback_after_s)
    sender = SlackLikeSender(
        Balancer(replicas),
        SECRET,
        retry_delays_s=config.retry_delays_s,
        ack_timeout_s=config.ack_timeout_s,
        workers=config.sender_workers,
    )
    chaos = Chaos(config, database.proxy, replicas[0])
    stop = threading.Event()
    chaos.start()
    try:
        send_open_loop(
            sender,
            lambda: traffic.next_delivery(config.feedback_share),
            config.rate,
            config.seconds,
            stop,
        )
        load_end = time.monotonic()
        say(f"load sent ({len(sender.deliveries)} deliveries); draining")
        drained = _drain(config, sender, traffic, database.direct_url, load_end)
    finally:
        chaos.stop()
        sender.close()
    traffic.refresh()
    rows = feedback_rows(database.direct_url)
    result = measure(sender.deliveries, traffic.questions, traffic.log, rows)
    result.drain_s = drained
    result.notes += chaos.timeline
    return result


def _drain(
    config: SoakConfig, sender: SlackLikeSender, traffic: Traffic, db_url: str, load_end: float
) -> float | None:
    """Seconds after load ended until every acked question has a finished reply and every
    acked feedback a row (and no retry is pending); None if not within `drain_s`."""
    while time.monotonic() - load_end < config.drain_s:
        traffic.refresh()
        if sender.idle and _all_settled(sender, traffic, db_url):
            return time.monotonic() - load_end
        time.sleep(POLL_S)
    return None


def _all_settled(sender: SlackLikeSender, traffic: Traffic, db_url: str) -> bool:
    deliveries = list(sender.deliveries)
    for delivery in deliveries:
        if delivery.kind != "question" or not delivery.acked:
            continue
        question = traffic.questions[delivery.key]
        replies = traffic.log.thread(question.channel, question.ts)
        if not any(r.finished_at is not None for r in replies):
            return False
    try:
        rows = feedback_rows(db_url)
    except Exception:  # noqa: BLE001 - the database may be briefly unreachable; ask again
        return False
    return all(
        (d.meta["channel"], d.meta["ts"], d.meta["user"]) in rows
        for d in deliveries
        if d.kind != "question" and d.acked
    )
