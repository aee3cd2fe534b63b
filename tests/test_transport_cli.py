"""`lastmile run` and `lastmile serve` as an admin starts them: real processes, real sockets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.clock import ManualClock
from storage import Store, make_engine
from tests.conftest import PROJECT_ROOT
from tests.fakes import FakeSlackApi, FakeSocketModeServer, SlackSender, payloads
from tests.fakes.transport import SECRET, http_get


def environment(database_url: str, slack: FakeSlackApi, **extra: str) -> dict[str, str]:
    """A clean environment for the command: no Slack variables unless given."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LASTMILE_"))}
    env = keep | {"DATABASE_URL": database_url, "SLACK_API_URL": slack.api_url}
    env |= {"LASTMILE_PROVIDER": "offline", "PYTHONPATH": str(PROJECT_ROOT)}
    return env | extra


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`lastmile <args>` in a child process, stderr piped for its start-up line."""
    code = "from bot.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=cwd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


def read_until(proc: subprocess.Popen[str], marker: str) -> str:
    """Lines of stderr until one contains `marker` (that line is returned)."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if marker in line:
            return line
    raise AssertionError(f"{marker!r} never printed; exit code {proc.wait()}")


def stop(proc: subprocess.Popen[str]) -> int:
    """SIGTERM, as systemd or Kubernetes stop it; the exit code."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.parametrize(
    ("command", "missing"),
    [("run", "SLACK_APP_TOKEN"), ("run", "SLACK_BOT_TOKEN"), ("serve", "SLACK_SIGNING_SECRET")],
)
def test_missing_credentials_stop_with_exit_code_2(
    command: str, missing: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    given = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}
    env: dict[str, str | None] = {k: (None if k == missing else v) for k, v in given.items()}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(cli, [command], env=env)
    assert result.exit_code == 2
    assert f"{missing} is not set" in result.output


def test_app_token_of_the_wrong_kind_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}
    result = CliRunner().invoke(cli, ["run"], env=env | {"DATABASE_URL": "sqlite:///x.db"})
    assert result.exit_code == 2
    assert "SLACK_APP_TOKEN should start with 'xapp-'" in result.output


def test_serve_answers_slack_and_probes_then_stops_on_sigterm(
    database_url: str, slack: FakeSlackApi, tmp_path: Path, clock: ManualClock
) -> None:
    env = environment(database_url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET)
    proc = start(["serve", "--host", "127.0.0.1", "--port", "0"], env, tmp_path)
    try:
        line = read_until(proc, "lastmile serving Slack at ")
        events_url = line.split(" at ", 1)[1].strip()
        base = events_url.removesuffix("/slack/events")
        sender = SlackSender(events_url, SECRET)
        challenge = sender.send_event(payloads.url_verification("from-slack"))
        mention = payloads.app_mention("<@UBOT> hello from a real process")
        accepted = sender.send_event(mention)
        probes = (http_get(base + "/healthz")[0], http_get(base + "/readyz")[0])
    finally:
        code = stop(proc)
    assert json.loads(challenge.body) == {"challenge": "from-slack"}
    assert accepted.status == 200
    assert probes == (200, 200)
    assert code == 0
    engine = make_engine(database_url)
    assert Store(engine, clock=clock).get_event(mention["event_id"]) is not None
    engine.dispose()


def test_run_connects_over_socket_mode_and_acks_events(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    env = environment(database_url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-t")
    with FakeSocketModeServer(slack) as server:
        proc = start(["run"], env, tmp_path)
        try:
            read_until(proc, "connected to Slack over Socket Mode")
            envelope = server.push_event(payloads.load("events/message_bot_message.json"))
            ack = server.wait_for_ack(envelope, timeout=20)
        finally:
            code = stop(proc)
    assert ack == {"envelope_id": envelope}
    assert slack.calls_to("apps.connections.open")[0].token == "xapp-t"
    assert code == 0


@pytest.mark.parametrize("command", ["serve", "run"])
def test_an_unreachable_slack_stops_the_start_with_one_message(
    command: str, database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    env = environment(
        database_url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test",
        SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL="http://127.0.0.1:9/api/",
    )  # fmt: skip
    proc = start([command, "--port", "0"] if command == "serve" else [command], env, tmp_path)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "cannot reach Slack at http://127.0.0.1:9/api/" in stderr
    assert "Traceback" not in stderr
    assert "lastmile serving Slack" not in stderr


def test_a_token_slack_refuses_stops_serve_before_it_listens(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    slack.fail_next("auth.test", error="invalid_auth")
    env = environment(
        database_url, slack, SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET=SECRET
    )
    proc = start(["serve", "--port", "0"], env, tmp_path)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in stderr
    assert "Traceback" not in stderr


def test_serve_with_a_bad_owners_file_names_every_problem_and_creates_no_database(
    slack: FakeSlackApi, tmp_path: Path
) -> None:
    owners = tmp_path / "owners.toml"
    owners.write_text(
        '[[owner]]\nname = "HR"\nslack = "jane@example.com"\nchanels = ["C0HR"]\n',
        encoding="utf-8",
    )
    database = tmp_path / "never.db"
    env = environment(
        f"sqlite:///{database}", slack, SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET, LASTMILE_OWNERS_FILE=str(owners),
    )  # fmt: skip
    proc = start(["serve", "--port", "0"], env, tmp_path)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "unknown key 'chanels'" in stderr and "'jane@example.com' is an email" in stderr
    assert "Traceback" not in stderr
    assert not database.exists()


@contextmanager
def serving(
    database_url: str, slack: FakeSlackApi, cwd: Path, **extra: str
) -> Iterator[SlackSender]:
    """`lastmile serve` as a child process; a signed sender to it; stopped (exit 0) after."""
    env = environment(
        database_url, slack, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, **extra
    )
    proc = start(["serve", "--host", "127.0.0.1", "--port", "0"], env, cwd)
    try:
        line = read_until(proc, "lastmile serving Slack at ")
        yield SlackSender(line.split(" at ", 1)[1].strip(), SECRET)
    finally:
        assert stop(proc) == 0


def test_serve_streams_thinking_steps_and_the_owner_only_icon(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    knowledge = tmp_path / "kb"
    knowledge.mkdir()
    (knowledge / "vpn.md").write_text(
        "---\nurl: https://wiki.example/vpn\n---\n# VPN guide\n\n"
        "Reset the VPN password in the VPN portal with Forgot password.\n",
        encoding="utf-8",
    )
    owners = tmp_path / "owners.toml"
    owners.write_text('[[owner]]\nname = "IT"\nslack = "U0IT"\ntopics = ["vpn"]\n', "utf-8")
    extra = {"LASTMILE_KNOWLEDGE_DIR": str(knowledge), "LASTMILE_OWNERS_FILE": str(owners)}
    with serving(database_url, slack, tmp_path, **extra) as sender:
        question = payloads.dm("how do I reset my VPN password?")
        assert sender.send_event(question).status == 200
        [stopped] = slack.wait_for("chat.stopStream")
    tasks = slack.tasks("D111", str(stopped.params["ts"]))
    assert [(t["id"], t["status"]) for t in tasks.values()] == [
        ("verified", "complete"),
        ("search", "complete"),
        ("model", "complete"),
    ]
    assert tasks["search"]["sources"][0]["url"] == "https://wiki.example/vpn"
    [icon] = [
        element
        for block in stopped.params["blocks"]
        if block["type"] == "context_actions"
        for element in block["elements"]
        if element["type"] == "icon_button"
    ]
    assert icon["visible_to_user_ids"] == ["U0IT"]


def linked_within(database_url: str, channel: str, ts: str, *, seconds: float) -> None:
    """Wait until the served process has linked its answer to the message at `ts`."""
    engine = make_engine(database_url)
    try:
        store = Store(engine)

        def linked() -> bool:
            return store.answer_by_message(channel, ts) is not None

        within(seconds, linked, "the answer's link to its message")
    finally:
        engine.dispose()


def within(seconds: float, done: Callable[[], bool], what: str) -> None:
    """Poll `done` until it holds; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"{what} never happened within {seconds:g} s"
        time.sleep(0.05)


def test_serve_hands_an_answer_to_the_owners_helpers_once(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    owners = tmp_path / "owners.toml"
    owners.write_text(
        '[[owner]]\nname = "IT"\nslack = "U0IT"\nhelpers = "C0HELP"\ndefault = true\n', "utf-8"
    )
    with serving(database_url, slack, tmp_path, LASTMILE_OWNERS_FILE=str(owners)) as sender:
        question = payloads.dm("who approves my expenses?")
        assert sender.send_event(question).status == 200
        [stopped] = slack.wait_for("chat.stopStream")
        answer_ts, thread = str(stopped.params["ts"]), str(question["event"]["ts"])
        linked_within(database_url, "D111", answer_ts, seconds=20)  # just after the stop
        for _ in range(2):  # a double click: one hand-off, one post
            click = payloads.block_action(
                "lastmile_handoff", "handoff", user="W222", channel="D111",
                message_ts=answer_ts, thread_ts=thread,
            )  # fmt: skip
            assert sender.send_interactive(click).status == 200
            slack.wait_for("chat.postEphemeral", count=_ + 1)
    [copy] = slack.messages("C0HELP")
    assert "who approves my expenses?" in json.dumps(copy["blocks"])
    notes = [e["text"] for e in slack.ephemerals()]
    assert notes[0].startswith("I asked IT's helpers.") and notes[1].startswith("Already asked")
