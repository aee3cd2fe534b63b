"""Logs keep their promise at DEBUG: no question, answer, correction or DM text, only ids.

Real processes at LASTMILE_LOG_LEVEL=DEBUG: `lastmile serve` answers a mention and a DM over
signed HTTP and takes a correction through the real modal, then `lastmile digest --send` posts
the digest that quotes them. Both processes' stderr is searched for every text the people and
the model wrote. With anthropic and openai the SDKs' own DEBUG logging (which prints whole
prompts) is exercised against the local fake servers.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import pytest
from sqlmodel import select

from bot.cli.common import library_floor
from bot.vocabulary import ActionId
from storage import Store, make_engine
from storage.models import Feedback, Question
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.digest_data import OWNERS_TOML
from tests.fakes.feedback_kit import modal_values
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.slack_app import all_call_text
from tests.fakes.transport import SECRET
from tests.test_transport_cli import environment

QUESTION = "how many vacation days does the Zanzibar office get?"
DM = "my vacation days in Quokkaville look wrong, who fixes payroll?"
ANSWER = "The Marmalade handbook grants 27 vacation days in every office."
CORRECTION = "Wrong: since January it is 31 vacation days, per the Periwinkle memo."
KNOWLEDGE = f"# Vacation\n\n{ANSWER}\n\nPayroll questions go to the people team.\n"
PRIVATE = {"question": "Zanzibar", "dm": "Quokkaville", "answer": "Marmalade",
           "correction": "Periwinkle"}  # fmt: skip
DEBUG_ON = "DEBUG covers bot, handlers, storage only"
WAIT_S = 60.0


class Stderr:
    """A child's stderr, read by a thread so a chatty child never blocks on a full pipe."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        self.stream = proc.stderr
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(proc.stderr,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, marker: str) -> str:
        """The first line containing `marker` (AssertionError after WAIT_S)."""
        deadline = time.monotonic() + WAIT_S
        with self._changed:
            while not any(marker in line for line in self.lines):
                left = deadline - time.monotonic()
                assert left > 0 and self._thread.is_alive(), f"{marker!r} never printed"
                self._changed.wait(left)
            return next(line for line in self.lines if marker in line)

    def text(self) -> str:
        """Everything read (call after the child ended)."""
        self._thread.join(timeout=10)
        self.stream.close()
        return "".join(self.lines)


@contextmanager
def provider_env(provider: str) -> Iterator[tuple[dict[str, str], list[str]]]:
    """LASTMILE_PROVIDER and its fake endpoint; yields the env and (later) the bodies it got."""
    bodies: list[str] = []
    if provider == "offline":
        yield {"LASTMILE_PROVIDER": "offline"}, bodies
        return
    fake = FakeAnthropicServer() if provider == "anthropic" else FakeOpenAIServer()
    with fake:
        for _ in range(2):  # the mention's and the DM's answers; theme labels get the default
            fake.reply_with(ANSWER, chunks=3)
        prefix = provider.upper()
        yield {"LASTMILE_PROVIDER": provider, f"{prefix}_API_KEY": "sk-test",
               f"{prefix}_BASE_URL": fake.base_url}, bodies  # fmt: skip
        bodies += [json.dumps(request.body) for request in fake.requests]


def lastmile(
    args: list[str], env: dict[str, str], cwd: Path, stdout: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """`lastmile <args>` as a child process with stderr piped."""
    command = [sys.executable, "-c", "from bot.cli import main; main()", *args]
    return subprocess.Popen(
        command, env=env, cwd=cwd, stderr=subprocess.PIPE, stdout=stdout, text=True
    )


def ask_and_correct(sender: SlackSender, slack: FakeSlackApi) -> str:
    """A mention and a DM answered, then a correction of the DM's answer; the DM's event id."""
    sender.send_event(payloads.app_mention(f"<@UBOT> {QUESTION}"))
    dm = payloads.dm(DM, channel="D111")
    sender.send_event(dm)
    stops = slack.wait_for("chat.stopStream", count=2, timeout=WAIT_S)
    assert sender.send_event(dm, retry_num=1).status == 200  # logged by its id only
    [answer] = [s for s in stops if s.params["channel"] == "D111"]
    where = {"channel": "D111", "message_ts": answer.response["ts"], "thread_ts": dm["event"]["ts"]}
    sender.send_interactive(payloads.block_action(ActionId.CORRECT_IT, "correct", **where))
    [update] = slack.wait_for("views.update", timeout=WAIT_S)
    view = update.response["view"]
    submission = payloads.view_submission(
        ActionId.CORRECTION_MODAL, modal_values(None, CORRECTION),
        private_metadata=view["private_metadata"], view_id=view["id"],
    )  # fmt: skip
    sender.send_interactive(submission)
    slack.wait_for("chat.postEphemeral", timeout=WAIT_S)  # "Thanks for the correction"
    return str(dm["event_id"])


def stored(database_url: str) -> tuple[list[str], str]:
    """The questions' texts, and the ISO week of the one correction (the digest to send)."""
    engine = make_engine(database_url)
    with Store(engine).session() as session:
        questions = list(session.exec(select(Question.text)).all())
        correction = session.exec(select(Feedback)).one()
    engine.dispose()
    year, week, _ = correction.created_at.isocalendar()
    return questions, f"{year}-W{week:02d}"


def stop(proc: subprocess.Popen[str], stderr: Stderr) -> str:
    """SIGTERM, as systemd or Kubernetes stop it; all of its stderr once it exited 0."""
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=WAIT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    return stderr.text()


@pytest.mark.parametrize("provider", ["offline", "anthropic", "openai"])
def test_a_question_and_a_digest_at_debug_never_log_what_people_or_the_model_wrote(
    provider: str, tmp_path: Path
) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "vacation.md").write_text(KNOWLEDGE, encoding="utf-8")
    (tmp_path / "owners.toml").write_text(OWNERS_TOML, encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'lastmile.db'}"
    with ExitStack() as stack:
        slack = stack.enter_context(FakeSlackApi())
        extra, llm_bodies = stack.enter_context(provider_env(provider))
        env = environment(database_url, slack, SLACK_BOT_TOKEN="xoxb-test",
                          SLACK_SIGNING_SECRET=SECRET, LASTMILE_LOG_LEVEL="DEBUG",
                          LASTMILE_KNOWLEDGE_DIR=str(tmp_path / "kb"),
                          LASTMILE_OWNERS_FILE=str(tmp_path / "owners.toml"), **extra)  # fmt: skip
        serve = lastmile(["serve", "--host", "127.0.0.1", "--port", "0"], env, tmp_path)
        serve_err = Stderr(serve)
        try:
            url = serve_err.wait_for("lastmile serving Slack at ").split(" at ", 1)[1].strip()
            dm_event_id = ask_and_correct(SlackSender(url, SECRET), slack)
        finally:
            serve_log = stop(serve, serve_err)
        questions, week = stored(database_url)
        digest = lastmile(["digest", "--send", "--week", week], env, tmp_path, subprocess.PIPE)
        digest_out, digest_log = digest.communicate(timeout=WAIT_S)
        assert digest.returncode == 0, digest_log
        sent_to_slack = all_call_text(slack)
    assert "posted" in digest_out
    for log in (serve_log, digest_log):
        leaked = [what for what, word in PRIVATE.items() if word in log]
        assert leaked == [], f"{leaked} text in the log:\n{log}"
        assert DEBUG_ON in log  # DEBUG really was on
    assert f"event {dm_event_id} already recorded" in serve_log  # ids are fine
    # Each text did travel: asked and stored, written to Slack (and sent to the model).
    asked = " ".join(questions)
    assert PRIVATE["question"] in asked and PRIVATE["dm"] in asked
    assert PRIVATE["answer"] in sent_to_slack and PRIVATE["correction"] in sent_to_slack
    if provider != "offline":
        assert any(PRIVATE["question"] in body for body in llm_bodies)


@pytest.mark.parametrize(
    ("logger", "floor"),
    [
        ("bot.asking", logging.NOTSET),
        ("handlers.middleware.events", logging.NOTSET),
        ("storage.engine", logging.NOTSET),
        ("anthropic._base_client", logging.INFO),
        ("openai._base_client", logging.INFO),
        ("slack_bolt.App", logging.INFO),
        ("slack_sdk.web.base_client", logging.INFO),
        ("sqlalchemy.engine.Engine", logging.WARNING),
        ("httpcore2.http11", logging.WARNING),
        ("app.py", logging.INFO),  # Bolt names listener loggers after the app's file
        ("botocore", logging.INFO),  # a library merely named like ours
    ],
)
def test_debug_is_ours_alone_and_libraries_have_a_floor(logger: str, floor: int) -> None:
    assert library_floor(logger) == floor
