"""`running_app`: the real Bolt app over real HTTP, talking to a `FakeSlackApi`.

    with running_app(store, answerer=OfflineAnswerer(), knowledge=kb, clock=clock) as harness:
        harness.sender.send_event(payloads.app_mention("<@UBOT> vpn?"))
        [stop] = harness.slack.wait_for("chat.stopStream")

The app is `handlers.app.build_app` with a `Runtime` built from the given parts, its client from
`make_client` (so the retry handlers are the production ones), served by Bolt's WSGI adapter
on a local port and driven by signed requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlmodel import col, select

from bot.answering import Answerer, KnowledgeBase, load_prompt
from bot.runtime import Runtime
from bot.settings import Settings
from bot.workspace import WorkspaceConfig, default_workspace_config
from handlers.workers import EventWorkers
from storage import Store
from storage.models import Answer, Question

from .signing import SlackSender
from .slack_api import FakeSlackApi
from .wsgi_server import serve_wsgi

SIGNING_SECRET = "test-signing-secret"


@dataclass(frozen=True)
class AppHarness:
    """What a test drives and inspects."""

    slack: FakeSlackApi
    sender: SlackSender
    runtime: Runtime
    app: App
    workers: EventWorkers

    def drain(self) -> None:
        """Wait until every recorded event and every click handler already started has finished.

        Events are run by the event workers (as in production); clicks and commands by Bolt's
        lazy listeners, submitted before the HTTP request is answered. Bolt's executor is shut
        down: call it once, last.
        """
        backlog = self.runtime.store.event_backlog
        assert self.workers.wait_idle(timeout=60), f"events waiting after 60 s: {backlog()}"
        self.app.listener_runner.listener_executor.shutdown(wait=True)
        assert self.workers.wait_idle(timeout=60), f"events waiting after 60 s: {backlog()}"


@contextmanager
def running_app(
    store: Store,
    *,
    answerer: Answerer,
    knowledge: KnowledgeBase,
    clock: Callable[[], datetime],
    answer_timeout_s: float = 10.0,
    workspace: WorkspaceConfig | None = None,
) -> Iterator[AppHarness]:
    """Fake Slack, the real app on a local port, and a signed sender, for one test."""
    from handlers.app import build_app, make_client  # handlers import slack_bolt: when used

    with FakeSlackApi() as slack:
        settings = Settings(
            slack_bot_token="xoxb-test",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.api_url,
            answer_timeout_s=answer_timeout_s,
        )
        runtime = Runtime(
            settings=settings,
            store=store,
            answerer=answerer,
            knowledge=knowledge,
            prompt=load_prompt(),
            clock=clock,
            workspace=workspace or default_workspace_config(),
        )
        client = make_client(runtime)
        workers = EventWorkers(runtime, client, poll_s=0.05)
        app = build_app(runtime, client=client, hand_off=workers.notify)
        workers.start()
        with serve_wsgi(SlackRequestHandler(app)) as base_url:
            sender = SlackSender(base_url + "/slack/events", SIGNING_SECRET)
            harness = AppHarness(slack, sender, runtime, app, workers)
            try:
                yield harness
            finally:
                try:
                    harness.drain()  # no listener may outlive the fakes and the database
                finally:
                    workers.stop()
                    workers.join(10)


def write_knowledge(root: Path, files: Mapping[str, str]) -> KnowledgeBase:
    """Write Markdown files under `root` and load them as the knowledge base."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return KnowledgeBase.load(root)


def stored_answers(store: Store) -> list[Answer]:
    """Every stored answer, oldest first (read back for assertions)."""
    with store.session() as session:
        return list(session.exec(select(Answer).order_by(col(Answer.id))).all())


def stored_questions(store: Store) -> list[Question]:
    """Every stored question, oldest first."""
    with store.session() as session:
        return list(session.exec(select(Question).order_by(col(Question.id))).all())


def all_call_text(slack: FakeSlackApi) -> str:
    """Every parameter of every Web API call, as one JSON string (for leak checks)."""
    return "\n".join(json.dumps(call.params) for call in slack.calls)
