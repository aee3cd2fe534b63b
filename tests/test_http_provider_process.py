"""`LASTMILE_PROVIDER=http` as deployed: `lastmile serve` asks the reference service
(examples/reference_service.py, its own process) and a thumbs-down on that answer reaches the
owner's digest, rated under the service's version.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from storage import Store, make_engine
from storage.models import Answer
from tests.conftest import PROJECT_ROOT
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.slack_app import stored_answers
from tests.fakes.slack_messages import Json
from tests.test_transport_cli import environment, linked_within, serving, within

REFERENCE = PROJECT_ROOT / "examples" / "reference_service.py"
VPN = (
    "# VPN guide\n\nReset the VPN password in the VPN portal with the Forgot password link.\n\n"
    "The office wifi is called Acme-Guest.\n"
)


@contextmanager
def reference_service(knowledge: Path) -> Iterator[str]:
    """The reference service on a free port; its answer URL."""
    proc = subprocess.Popen(
        [sys.executable, str(REFERENCE), "--knowledge", str(knowledge), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "answering at " in line, line
        yield line.rsplit(" ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def stored_answers_at(database_url: str) -> list[Answer]:
    """The answers stored in the database at `database_url`."""
    engine = make_engine(database_url)
    try:
        return stored_answers(Store(engine))
    finally:
        engine.dispose()


def feedback_within(database_url: str, answer_id: int, seconds: float) -> None:
    """Wait until the answer has feedback stored."""
    engine = make_engine(database_url)
    try:
        store = Store(engine)
        within(seconds, lambda: bool(store.feedback_for_answer(answer_id)), "the thumbs-down")
    finally:
        engine.dispose()


def asked_in_dm(
    sender: SlackSender, slack: FakeSlackApi, database_url: str, question: Json
) -> Answer:
    """Send a signed DM question to the served bot; its stored answer, once linked to Slack."""
    assert sender.send_event(question).status == 200
    [stopped] = slack.wait_for("chat.stopStream")
    linked_within(database_url, "D111", str(stopped.params["ts"]), seconds=20)
    [answer] = stored_answers_at(database_url)
    assert answer.id is not None
    return answer


def thumbs_down(sender: SlackSender, database_url: str, answer: Answer) -> None:
    """A signed -1 reaction on the answer's message; returns once it is stored."""
    assert answer.id is not None and answer.message_ts is not None
    reaction = payloads.reaction_added("-1", item_ts=answer.message_ts, item_channel="D111")
    assert sender.send_event(reaction).status == 200
    feedback_within(database_url, answer.id, seconds=20)


def markdown_digest(database_url: str, slack: FakeSlackApi, cwd: Path, **extra: str) -> str:
    """`lastmile digest --markdown` of this week, run as its own process; the file's text."""
    week = datetime.now(UTC).strftime("%G-W%V")
    out = cwd / "digest.md"
    code = "from bot.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "digest", "--week", week, "--markdown", str(out)],
        env=environment(database_url, slack, **extra), cwd=cwd, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def test_serve_answers_from_the_reference_service_and_the_digest_rates_its_version(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    knowledge = tmp_path / "kb"
    knowledge.mkdir()
    (knowledge / "vpn.md").write_text(VPN, encoding="utf-8")
    owners = tmp_path / "owners.toml"
    owners.write_text('[[owner]]\nname = "IT"\nslack = "U0IT"\ndefault = true\n', "utf-8")
    question = payloads.dm("how do I reset my VPN password?")
    with reference_service(knowledge) as url:
        extra = {
            "LASTMILE_PROVIDER": "http",
            "LASTMILE_HTTP_URL": url,
            "LASTMILE_OWNERS_FILE": str(owners),
        }
        with serving(database_url, slack, tmp_path, **extra) as sender:
            answer = asked_in_dm(sender, slack, database_url, question)
            thumbs_down(sender, database_url, answer)
    # What the service streamed is what Slack shows, with its source linked.
    assert len(slack.calls_to("chat.startStream")) == 1
    final = slack.messages("D111", thread_ts=str(question["event"]["ts"]))[-1]
    assert "Reset the VPN password in the VPN portal" in str(final["text"])
    assert "https://wiki.example.com/vpn.md" in str(final["blocks"])
    assert (answer.provider, answer.model, answer.prompt_version) == (
        "http", "keyword-overlap", "reference-1",
    )  # fmt: skip
    assert answer.sources[0]["url"] == "https://wiki.example.com/vpn.md"
    digest = markdown_digest(
        database_url, slack, tmp_path, LASTMILE_OWNERS_FILE=str(owners),
        LASTMILE_PROVIDER="http", LASTMILE_HTTP_URL="http://127.0.0.1:9/answer",
    )  # fmt: skip
    assert "how do I reset my VPN password?" in digest
    assert "| reference-1 | keyword-overlap | 1 " in digest  # rates by the service's version
