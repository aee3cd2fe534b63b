"""What the replicas talk to: a faulty fake Slack, a faulty fake LLM, PostgreSQL via a proxy."""

from __future__ import annotations

import random
import threading
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.faults import RandomFaults
from tests.fakes.llm_server import RecordedRequest, Reply, split_text
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.tcp_proxy import TcpProxy

from .config import SoakConfig

ANSWER = "You get 25 vacation days a year; ask your manager before booking them [1]."
KNOWLEDGE = {
    "vacation.md": "# Vacation\nEmployees get 25 vacation days a year. Book them in the portal.\n",
    "vpn.md": "# VPN\nInstall the client from the self-service portal and sign in.\n",
    "expenses.md": "# Expenses\nTaxi rides are expensed with a receipt within 30 days.\n",
}


def faulty_slack(config: SoakConfig) -> FakeSlackApi:
    """A started FakeSlackApi answering a seeded `faults` share of calls with 500 or 429."""
    faults = RandomFaults(config.faults, seed=config.seed) if config.faults > 0 else None
    return FakeSlackApi(random_faults=faults).start()


class LlmChooser:
    """Picks each LLM reply: a seeded share fails (500), another share stalls, the rest stream."""

    def __init__(self, config: SoakConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed + 1)
        self._lock = threading.Lock()
        self.failed = 0
        self.slow = 0

    def __call__(self, request: RecordedRequest) -> Reply:
        """The reply for one request (thread-safe: the fake serves requests in threads)."""
        chunks = split_text(ANSWER, 4)
        with self._lock:
            draw = self._rng.random()
            if draw < self.config.llm_fail_share:
                self.failed += 1
                return Reply(status=500)
            if draw < self.config.llm_fail_share + self.config.llm_slow_share:
                self.slow += 1
                return Reply(chunks=chunks, stall_s=self.config.llm_slow_s)
        return Reply(chunks=chunks)


def faulty_llm(config: SoakConfig) -> tuple[FakeAnthropicServer, LlmChooser]:
    """A started fake Anthropic Messages API (SSE streaming) replying through an `LlmChooser`."""
    chooser = LlmChooser(config)
    return FakeAnthropicServer(chooser=chooser).start(), chooser


def write_knowledge(folder: Path) -> Path:
    """A small knowledge folder the questions are about, so answers cite a source."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in KNOWLEDGE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class SoakDatabase:
    """A fresh PostgreSQL database (`soak_<hex>`), dropped at `close()`, and a proxy to it."""

    def __init__(self, base_url: str) -> None:
        url = make_url(base_url).set(drivername="postgresql")
        self.name = f"soak_{uuid.uuid4().hex[:10]}"
        self._admin = url.render_as_string(hide_password=False)
        with psycopg.connect(self._admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.direct_url = url.set(database=self.name).render_as_string(hide_password=False)
        self.proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        self.proxy.up()
        proxied = url.set(database=self.name, host="127.0.0.1", port=self.proxy.port)
        self.proxied_url = proxied.render_as_string(hide_password=False)

    def close(self) -> None:
        """Stop the proxy and drop the database (connections still open are ended)."""
        self.proxy.close()
        with psycopg.connect(self._admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
