"""Knowledge reload: a running bot sees added, changed and removed pages without a restart."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from pathlib import Path

import pytest

from bot.answering.knowledge import load_folder
from bot.answering.reload import KnowledgeWatcher
from bot.runtime import Runtime
from bot.settings import Settings
from storage import Store
from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.offline_answers import offline_runtime
from tests.fakes.process_output import StderrLines
from tests.fakes.transport import SECRET
from tests.test_transport_cli import environment, start, stop

PARKING = "# Parking\n\nStaff park for free in the garage on level -2; the gate code is 4711.\n"
WIFI = "# Wi-Fi\n\nThe staff network is Example-Staff; sign in with single sign-on.\n"


def _runtime(store: Store, folder: Path) -> Runtime:
    return offline_runtime(store, Settings(knowledge_dir=folder))


def _titles(runtime: Runtime) -> set[str]:
    return {passage.title for passage in runtime.knowledge.passages}


def test_added_changed_and_removed_pages_are_picked_up_and_counted(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "wifi.md").write_text(WIFI, encoding="utf-8")
    runtime = _runtime(store, tmp_path)
    watcher = KnowledgeWatcher(runtime, tmp_path)
    watcher.tick()
    assert watcher.reloads == 0  # nothing changed: no reload, no log line

    (tmp_path / "parking.md").write_text(PARKING, encoding="utf-8")
    (tmp_path / "wifi.md").write_text(WIFI.replace("Wi-Fi", "Wireless"), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="bot.answering.reload"):
        watcher.tick()
    assert _titles(runtime) == {"Parking", "Wireless"}
    assert "2 document(s)" in caplog.text and "(1 added, 1 changed, 0 removed)" in caplog.text
    assert "4711" not in caplog.text  # counts only, never the pages' text

    (tmp_path / "parking.md").unlink()
    watcher.tick()
    assert _titles(runtime) == {"Wireless"}
    assert watcher.reloads == 2


def test_a_broken_file_is_named_and_skipped_and_the_rest_still_load(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "wifi.md").write_text(WIFI, encoding="utf-8")
    runtime = _runtime(store, tmp_path)
    watcher = KnowledgeWatcher(runtime, tmp_path)
    (tmp_path / "parking.md").write_text(PARKING, encoding="utf-8")
    (tmp_path / "scan.md").write_bytes(b"%PDF-1.7\x00\xff\xfe binary")
    (tmp_path / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    with caplog.at_level(logging.INFO, logger="bot.answering.reload"):
        watcher.tick()
    assert _titles(runtime) == {"Parking", "Wi-Fi"}
    broken = {b.path: b.reason for b in load_folder(tmp_path).broken}
    assert broken == {
        "scan.md": "a binary file, not Markdown text",
        "latin1.md": "not UTF-8 text (bad byte at offset 5)",
    }
    assert "knowledge file scan.md skipped: a binary file" in caplog.text
    assert "knowledge file latin1.md skipped: not UTF-8 text" in caplog.text


def test_a_configmap_mount_loads_each_page_once(tmp_path: Path) -> None:
    # Kubernetes mounts a ConfigMap as a dated hidden folder plus one symlink per key.
    dated = tmp_path / "..2026_12_02_05_40_00.123"
    dated.mkdir()
    (dated / "wifi.md").write_text(WIFI, encoding="utf-8")
    (tmp_path / "..data").symlink_to(dated.name)
    (tmp_path / "wifi.md").symlink_to("..data/wifi.md")
    load = load_folder(tmp_path)
    assert {p.path for p in load.knowledge.passages} == {"wifi.md"}
    assert load.documents == 1


def _ask(sender: SlackSender, slack: FakeSlackApi, question: str, count: int) -> str:
    """Mention the bot from Slack and return the finished answer's text."""
    event = payloads.app_mention(f"<@UBOT> {question}", user="U222")
    assert sender.send_event(event).status == 200
    slack.wait_for("chat.stopStream", count=count, timeout=30)
    [message] = slack.messages("C111", thread_ts=event["event"]["ts"])
    return str(message["text"])


@pytest.mark.parametrize("how", ["interval", "SIGHUP"])
def test_running_serve_answers_from_a_page_added_after_it_started(
    database_url: str, slack: FakeSlackApi, tmp_path: Path, how: str
) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "wifi.md").write_text(WIFI, encoding="utf-8")
    env = environment(
        database_url,
        slack,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        LASTMILE_KNOWLEDGE_DIR=str(knowledge),
        LASTMILE_KNOWLEDGE_RELOAD="1" if how == "interval" else "0",
    )
    proc: subprocess.Popen[str] = start(
        ["serve", "--host", "127.0.0.1", "--port", "0"], env, tmp_path
    )
    stderr = StderrLines(proc)
    try:
        line = stderr.wait_for("lastmile serving Slack at ")
        sender = SlackSender(line.split(" at ", 1)[1].strip(), SECRET)
        before = _ask(sender, slack, "What is the parking gate code?", count=1)
        (knowledge / "parking.md").write_text(PARKING, encoding="utf-8")
        if how == "SIGHUP":
            os.kill(proc.pid, signal.SIGHUP)
        reloaded = stderr.wait_for("knowledge reloaded from", timeout=30)
        after = _ask(sender, slack, "What is the parking gate code?", count=2)
    finally:
        code = stop(proc)
    assert "4711" not in before
    assert "2 document(s)" in reloaded and "(1 added, 0 changed, 0 removed)" in reloaded
    assert "4711" in after
    assert code == 0
