"""Settings: defaults, provider choice, .env precedence, and one message naming every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = Settings.from_env({}, dotenv_path=tmp_path / "missing.env")
    assert settings.provider == "offline"
    assert settings.database_url == "sqlite:///lastmile.db"
    assert settings.digest_schedule == "0 9 * * 1"
    assert settings.slack_api_url == "https://slack.com/api/"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o"}, "anthropic"),
        ({"OPENAI_API_KEY": "o"}, "openai"),
        ({"OPENAI_API_KEY": "o", "LASTMILE_PROVIDER": "offline"}, "offline"),
    ],
)
def test_provider_defaults_to_first_key_set(
    env: dict[str, str], expected: str, tmp_path: Path
) -> None:
    assert Settings.from_env(env, dotenv_path=tmp_path / "none").provider == expected


def test_dotenv_never_overrides_real_environment(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("LASTMILE_TIMEZONE=Europe/Paris\nLASTMILE_LOG_LEVEL=debug\n")
    settings = Settings.from_env({"LASTMILE_TIMEZONE": "Asia/Tokyo"}, dotenv_path=dotenv)
    assert settings.timezone == "Asia/Tokyo"
    assert settings.log_level == "DEBUG"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": "mysql://x",
        "LASTMILE_PROVIDER": "gemini",
        "LASTMILE_DIGEST_SCHEDULE": "every monday",
        "LASTMILE_TIMEZONE": "Mars/Base",
        "LASTMILE_KNOWLEDGE_DIR": str(tmp_path / "nope"),
    }
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env, dotenv_path=tmp_path / "none")
    message = caught.value.render()
    for name in ("DATABASE_URL", "LASTMILE_PROVIDER", "LASTMILE_DIGEST_SCHEDULE"):
        assert name in message
    assert "LASTMILE_TIMEZONE" in message and "LASTMILE_KNOWLEDGE_DIR" in message
    assert len(caught.value.problems) == 5


def test_named_provider_without_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ANTHROPIC_API_KEY"):
        Settings.from_env({"LASTMILE_PROVIDER": "anthropic"}, dotenv_path=tmp_path / "none")


def test_keys_are_not_in_repr(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"ANTHROPIC_API_KEY": "sk-secret-123"}, dotenv_path=tmp_path / "none"
    )
    assert "sk-secret-123" not in repr(settings)


@pytest.mark.parametrize(
    ("admins", "said"),
    [
        ("jane@example.com", "'jane@example.com' is an email address, but a user id is needed"),
        ("U0ADMIN, Jane Doe", "'Jane Doe' is a name, but a user id is needed"),
        ("u0admin", "'u0admin' is an id in lower case (Slack ids are upper case)"),
        ("C0ADMINS", "'C0ADMINS' is a channel id, but a user id is needed"),
    ],
)
def test_admins_must_be_user_ids(admins: str, said: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"LASTMILE_ADMINS": admins}, dotenv_path=tmp_path / "none")
    [problem] = caught.value.problems
    assert problem.startswith(f"LASTMILE_ADMINS: {said}")
    assert "Copy member ID" in problem  # the fix: where to find the id in Slack


def test_admins_are_user_ids_separated_by_commas(tmp_path: Path) -> None:
    env = {"LASTMILE_ADMINS": " U0ONE ,W0TWO,, "}
    assert Settings.from_env(env, dotenv_path=tmp_path / "none").admins == ("U0ONE", "W0TWO")


def test_a_schedule_that_never_fires_is_refused() -> None:
    # Valid cron syntax, but no 31 February: the scheduler would fail at every look.
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"LASTMILE_DIGEST_SCHEDULE": "0 9 31 2 *"}, dotenv_path=Path("/none"))
    assert "never fires" in raised.value.render()
    leap = Settings.from_env({"LASTMILE_DIGEST_SCHEDULE": "0 9 29 2 *"}, dotenv_path=Path("/none"))
    assert leap.digest_schedule == "0 9 29 2 *"  # rare, but a real date
