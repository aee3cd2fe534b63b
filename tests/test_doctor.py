"""`lastmile doctor` as an admin runs it: a real process against local fake Slack and provider.

Each case starts from a healthy setup and breaks one thing; the report must name it as a FAIL
line with the fix, exit 1, and never show a traceback. Nothing is created or migrated.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.slack_contract import BOT_SCOPES
from storage import Store, make_engine, upgrade
from tests.conftest import PROJECT_ROOT
from tests.fakes import FakeSlackApi
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.digest_data import OWNERS_TOML

GOOD_KEY = "sk-ant-good"
SECRET = "0123456789abcdef0123456789abcdef"
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused


def _knowledge(folder: Path) -> Path:
    (folder / "hr").mkdir(parents=True)
    (folder / "hr" / "vacation.md").write_text(
        "# Vacation\n\nYou get 25 days.\n\n## Carry over\n\nUp to 5 days.\n", encoding="utf-8"
    )
    (folder / "vpn.md").write_text("# VPN\n\nUse the new client.\n", encoding="utf-8")
    return folder


def _healthy(root: Path, slack: FakeSlackApi, provider: FakeAnthropicServer) -> dict[str, str]:
    """A deployment that passes: Slack takes both tokens, the provider the key, files valid."""
    slack.grant_scopes(*BOT_SCOPES)
    slack.attach_socket_mode("ws://127.0.0.1:9/")  # handed out, never dialled by the doctor
    provider.require_key(GOOD_KEY)
    database = f"sqlite:///{root / 'lastmile.db'}"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    (root / "owners.toml").write_text(OWNERS_TOML, encoding="utf-8")
    (root / "bad.toml").write_text(OWNERS_TOML.replace("channels", "chanels"), encoding="utf-8")
    (root / "empty").mkdir()
    (root / "workspace.toml").write_text(WORKSPACE_TOML, encoding="utf-8")
    (root / "bad-workspace.toml").write_text(
        WORKSPACE_TOML.replace("answer_without_mention", "anwser_without_mention"), "utf-8"
    )
    _assistant_pane_database(f"sqlite:///{root / 'pane.db'}")
    return {
        "SLACK_API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "DATABASE_URL": database,
        "ANTHROPIC_API_KEY": GOOD_KEY,
        "ANTHROPIC_BASE_URL": provider.base_url,
        "LASTMILE_KNOWLEDGE_DIR": str(_knowledge(root / "knowledge")),
        "LASTMILE_OWNERS_FILE": str(root / "owners.toml"),
    }


WORKSPACE_TOML = '[[channel]]\nid = "C0HELP"\nanswer_without_mention = true\n'


def _assistant_pane_database(url: str) -> None:
    """A database whose install got an `assistant_thread_started`: the app is on assistant_view."""
    engine = make_engine(url)
    upgrade(engine)
    Store(engine).claim_event("EvPANE1", "assistant_thread_started", {})
    engine.dispose()


def _start_doctor(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "doctor"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass(frozen=True)
class Report:
    """What one `lastmile doctor` process printed, and its exit code."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """stdout, line by line."""
        return self.stdout.splitlines()

    def failed(self) -> list[str]:
        """Each FAIL line with the fix line under it."""
        lines = self.lines
        return [
            f"{line}\n{lines[i + 1]}" for i, line in enumerate(lines) if line.startswith("[FAIL]")
        ]


OFFLINE: dict[str, str | None] = {"ANTHROPIC_API_KEY": None, "ANTHROPIC_BASE_URL": None}
"""Variants that break something else answer offline: importing a provider SDK takes seconds."""
VARIANTS: dict[str, dict[str, str | None]] = {
    "healthy": {},
    "no-knowledge-folder": OFFLINE | {"LASTMILE_KNOWLEDGE_DIR": None},
    "empty-knowledge-folder": OFFLINE | {"LASTMILE_KNOWLEDGE_DIR": "{root}/empty"},
    "bad-owners-file": OFFLINE | {"LASTMILE_OWNERS_FILE": "{root}/bad.toml"},
    "no-owners": OFFLINE | {"LASTMILE_OWNERS_FILE": None},
    "unreachable-slack": OFFLINE | {"SLACK_API_URL": f"{UNREACHABLE}/api/"},
    "unreachable-provider": {"ANTHROPIC_BASE_URL": UNREACHABLE},
    "bad-provider-key": {"ANTHROPIC_API_KEY": "sk-ant-revoked"},
    "missing-sqlite-file": OFFLINE | {"DATABASE_URL": "sqlite:///{root}/new.db"},
    "assistant-pane-install": OFFLINE | {"DATABASE_URL": "sqlite:///{root}/pane.db"},
    "help-channels": OFFLINE | {"LASTMILE_WORKSPACE_FILE": "{root}/workspace.toml"},
    "bad-workspace-file": OFFLINE | {"LASTMILE_WORKSPACE_FILE": "{root}/bad-workspace.toml"},
}
"""Each variant breaks one thing of the healthy deployment (None unsets the variable)."""


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, dict[str, Report]]]:
    """Every variant's doctor report; the processes run at once (each takes seconds to start)."""
    root = tmp_path_factory.mktemp("deployment")
    with FakeSlackApi() as slack, FakeAnthropicServer() as provider:
        healthy = _healthy(root, slack, provider)
        started = {}
        for name, changes in VARIANTS.items():
            env = healthy | {k: v.replace("{root}", str(root)) for k, v in changes.items() if v}
            env = {k: v for k, v in env.items() if changes.get(k, "") is not None}
            started[name] = _start_doctor(env, root)
        reports = {}
        for name, proc in started.items():
            stdout, stderr = proc.communicate(timeout=120)
            reports[name] = Report(proc.returncode, stdout, stderr)
        yield root, reports


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_doctor_never_shows_a_traceback(
    deployment: tuple[Path, dict[str, Report]], name: str
) -> None:
    report = deployment[1][name]
    assert "Traceback" not in report.stdout + report.stderr, report.stderr


def test_a_healthy_setup_passes_every_check(deployment: tuple[Path, dict[str, Report]]) -> None:
    root, reports = deployment
    report = reports["healthy"]
    assert report.returncode == 0, report.stdout
    assert report.lines[-1] == "0 failed, 0 warning(s), 15 ok"
    assert (
        "[ok  ] themes: grouped by meaning: all-MiniLM-L6-v2 (installed, loaded offline)"
        in report.lines
    )
    assert (
        "[ok  ] traces: off (set OTEL_EXPORTER_OTLP_ENDPOINT to export answers and feedback as "
        "traces)" in report.lines
    )
    assert all(line.startswith("[ok  ]") for line in report.lines[:-1]), report.stdout
    assert f"[ok  ] database: {root}/lastmile.db: reachable, schema up to date" in report.lines
    assert "[ok  ] slack token: bot UBOT (lastmile) in Example" in report.lines
    assert (
        "[ok  ] socket mode: app-level token accepted: `lastmile run` can connect" in report.lines
    )
    assert f"[ok  ] knowledge: {root}/knowledge: 2 document(s), 3 passage(s)" in report.lines
    assert "[ok  ] slack app: no assistant-pane (assistant_view) events in the last 7 days" in (
        report.lines
    )
    assert (
        "[ok  ] workspace: packaged defaults; 3 suggested prompt(s); 0 workspace override(s); "
        "help channels: none" in report.lines
    )
    schedule = re.escape("09:00 UTC ('0 9 * * 1') for ")
    owners = re.escape("to 2 owner(s): People team (DM to U0OWNER1), AI platform (in C0PLATFORM)")
    digest = rf"^\[ok  \] digest: next Mon \d{{4}}-\d\d-\d\d {schedule}\d{{4}}-W\d\d {owners}$"
    assert re.search(digest, report.stdout, re.MULTILINE), report.stdout


def test_a_missing_sqlite_file_is_not_created(deployment: tuple[Path, dict[str, Report]]) -> None:
    root, reports = deployment
    report = reports["missing-sqlite-file"]
    assert report.returncode == 0, report.stdout
    missing = root / "new.db"
    assert f"[ok  ] database: {missing} does not exist yet; it will be created on first start" in (
        report.lines
    )
    assert not list(root.glob("new.db*"))


FAILURES = {
    "no-knowledge-folder": (
        "[FAIL] knowledge: LASTMILE_KNOWLEDGE_DIR is not set, so answers have no pages to stand on"
        "\n       -> Set LASTMILE_KNOWLEDGE_DIR to a folder of the pages employees ask about"
        " (policies, how-tos, FAQs) as Markdown (.md), plain text (.txt), HTML (.html) or PDF"
        " (.pdf)."
    ),
    "empty-knowledge-folder": (
        "[FAIL] knowledge: {root}/empty holds no Markdown (.md), plain text (.txt), HTML (.html)"
        " or PDF (.pdf) documents (sub-folders included)"
        "\n       -> Put the pages employees ask about (policies, how-tos, FAQs) as Markdown (.md),"
        " plain text (.txt), HTML (.html) or PDF (.pdf) in {root}/empty."
    ),
    "bad-owners-file": (
        "[FAIL] owners file: {root}/bad.toml:5: owner #1 'People team': unknown key 'chanels'; "
        "did you mean 'channels'?\n       -> Fix the file, then `lastmile owners --check FILE` "
        "checks it again (docs/digest.md)."
    ),
    "no-owners": (
        "[FAIL] owners: LASTMILE_OWNERS_FILE is not set and no owner was added with /lastmile "
        "owners: flagged answers reach nobody and no digest is sent\n       -> Write an owners "
        "file (docs/digest.md) and set LASTMILE_OWNERS_FILE to its path."
    ),
    "unreachable-slack": (
        f"[FAIL] slack token: Slack unreachable at {UNREACHABLE}/api/: [Errno 111] Connection "
        f"refused\n       -> Check the network (proxy, firewall, DNS) to {UNREACHABLE}/api/, "
        "or unset SLACK_API_URL."
    ),
    "unreachable-provider": (
        f"[FAIL] provider: cannot reach anthropic at {UNREACHABLE}: [Errno 111] Connection "
        "refused\n       -> Check the network (proxy, firewall, DNS) or ANTHROPIC_BASE_URL."
    ),
    "bad-workspace-file": (
        "[FAIL] workspace: LASTMILE_WORKSPACE_FILE: {root}/bad-workspace.toml: unknown key "
        "`anwser_without_mention` in [[channel]] 1; did you mean `answer_without_mention`?"
        "\n       -> Fix it in the environment or in .env (every variable: .env.example)."
    ),
    "bad-provider-key": (
        "[FAIL] provider: anthropic refused ANTHROPIC_API_KEY (HTTP 401 authentication_error)"
        "\n       -> Create a key at https://console.anthropic.com/settings/keys and set "
        "ANTHROPIC_API_KEY."
    ),
}


@pytest.mark.parametrize(("name", "expected"), list(FAILURES.items()), ids=list(FAILURES))
def test_each_problem_is_one_fail_line_with_its_fix(
    deployment: tuple[Path, dict[str, Report]], name: str, expected: str
) -> None:
    root, reports = deployment
    report = reports[name]
    assert report.returncode == 1, report.stdout
    assert report.failed() == [expected.replace("{root}", str(root))], report.stdout
    assert report.lines[-1].startswith("1 failed, ")  # everything else still checks out


def test_without_owners_nobody_would_receive_a_digest(
    deployment: tuple[Path, dict[str, Report]],
) -> None:
    report = deployment[1]["no-owners"]
    digest = next(line for line in report.lines if " digest: " in line)
    assert digest.startswith("[warn] digest: next Mon ")
    assert digest.endswith(", but nobody would receive a digest: there is no owner")


def test_unreachable_slack_leaves_the_app_token_unchecked(
    deployment: tuple[Path, dict[str, Report]],
) -> None:
    report = deployment[1]["unreachable-slack"]
    assert "[warn] socket mode: not checked: Slack is unreachable" in report.lines


def test_an_app_still_on_the_assistant_pane_is_warned_to_move(
    deployment: tuple[Path, dict[str, Report]],
) -> None:
    report = deployment[1]["assistant-pane-install"]
    assert report.returncode == 0, report.stdout  # a warning: it still works today
    [line] = [line for line in report.lines if line.startswith("[warn] slack app:")]
    assert "still uses the assistant pane (assistant_view)" in line
    fix = report.lines[report.lines.index(line) + 1]
    assert "agent_view" in fix and "docs/slack-setup.md" in fix


def test_the_workspace_file_in_use_and_its_help_channels_are_listed(
    deployment: tuple[Path, dict[str, Report]],
) -> None:
    root, reports = deployment
    report = reports["help-channels"]
    assert report.returncode == 0, report.stdout
    assert f"[ok  ] workspace: {root}/workspace.toml; 3 suggested prompt(s); " in report.stdout
    assert "help channels: C0HELP" in report.stdout
