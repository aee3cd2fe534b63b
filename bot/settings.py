"""Settings: one frozen object, read once from the environment and `.env`, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter
from dotenv import dotenv_values

from bot.answering.prompt import PROMPT_NAMES, PromptFileError, read_prompt_file
from bot.owners.ids import user_id_problem
from bot.traces.config import TraceSettings, read_trace_settings
from bot.vocabulary import PROVIDERS
from bot.workspace import WorkspaceFileError, load_workspace_file

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_DATABASE_URL = "sqlite:///lastmile.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DIGEST_SCHEDULE = "0 9 * * 1"
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
DEFAULT_RETENTION_DAYS = 365
"""Questions, answers and feedback older than this are purged (raw event payloads at once)."""
DEFAULT_KNOWLEDGE_RELOAD_S = 30.0
"""How often a running bot looks for changed knowledge files (0 turns the watcher off)."""
DEFAULT_VERIFIED_REVIEW_DAYS = 90
"""Days after its last check that a verified answer's owner is asked "still true?"."""
DEFAULT_STALE_AFTER_DAYS = 365
"""A knowledge page whose `updated:` is older than this is marked stale in "Knowledge to fix"."""
DEFAULT_WORKERS = 16
"""Event workers per process answering questions (handlers/workers.py); 2 more take quick events."""
DEFAULT_DATABASE_WAIT_S = 600.0
"""How long `serve` and `run` wait for an unreachable database at start before giving up."""


class SettingsError(Exception):
    """Raised when configuration is missing or invalid; carries every problem at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def render(self) -> str:
        """The message printed to the admin: every problem and how to fix it."""
        lines = ["lastmile: configuration problem(s):"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append("Set these in the environment or in .env (see .env.example).")
        return "\n".join(lines)


@dataclass(frozen=True)
class Settings:
    """Everything the program reads from its environment, validated."""

    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    provider: str = "offline"
    model: str = ""
    anthropic_api_key: str = field(default="", repr=False)
    anthropic_base_url: str = ""
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str = ""
    http_url: str = ""  # the company's own answer service (LASTMILE_PROVIDER=http)
    http_token: str = field(default="", repr=False)
    knowledge_dir: Path | None = None
    owners_file: Path | None = None
    digest_schedule: str = DEFAULT_DIGEST_SCHEDULE
    timezone: str = "UTC"
    log_level: str = "INFO"
    answer_timeout_s: float = 30.0
    admins: tuple[str, ...] = ()
    urgent_report_threshold: int = 3
    urgent_ping_interval_s: int = 3600
    retention_days: int = DEFAULT_RETENTION_DAYS
    knowledge_reload_s: float = DEFAULT_KNOWLEDGE_RELOAD_S
    verified_review_days: int = DEFAULT_VERIFIED_REVIEW_DAYS
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    workers: int = DEFAULT_WORKERS
    database_wait_s: float = DEFAULT_DATABASE_WAIT_S
    spool_dir: Path | None = None  # feedback kept while the database is down; None: beside it
    prompts_dir: Path | None = None  # the company's prompt files over the packaged ones
    workspace_file: Path | None = None  # greeting, prompts, per-channel rules (bot/workspace)
    traces: TraceSettings = field(default_factory=TraceSettings)  # OpenTelemetry export

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
    ) -> Settings:
        """Read settings; real environment variables win over `.env`. Raises SettingsError."""
        env = _merged_environment(environ, dotenv_path)
        reader = _Reader(env)
        settings = reader.build()
        if reader.problems:
            raise SettingsError(reader.problems)
        return settings

    @property
    def tzinfo(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)


def _merged_environment(
    environ: Mapping[str, str] | None, dotenv_path: Path | None
) -> dict[str, str]:
    real = dict(os.environ if environ is None else environ)
    path = dotenv_path if dotenv_path is not None else Path(".env")
    values = dotenv_values(path) if path.is_file() else {}
    from_file = {key: value for key, value in values.items() if value is not None}
    return {**from_file, **real}


def _ever_fires(schedule: str) -> bool:
    """False for a valid cron that matches no real date (croniter gives up looking)."""
    try:
        croniter(schedule, datetime(2000, 1, 1)).get_next(datetime)
    except CroniterBadDateError:
        return False
    return True


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def get(self, name: str, default: str = "") -> str:
        return self.env.get(name, "").strip() or default

    def build(self) -> Settings:
        anthropic_key = self.get("ANTHROPIC_API_KEY")
        openai_key = self.get("OPENAI_API_KEY")
        return Settings(
            slack_bot_token=self.get("SLACK_BOT_TOKEN"),
            slack_app_token=self.get("SLACK_APP_TOKEN"),
            slack_signing_secret=self.get("SLACK_SIGNING_SECRET"),
            slack_api_url=self._slack_api_url(),
            database_url=self._database_url(),
            provider=self._provider(anthropic_key, openai_key),
            model=self.get("LASTMILE_MODEL"),
            anthropic_api_key=anthropic_key,
            anthropic_base_url=self.get("ANTHROPIC_BASE_URL"),
            openai_api_key=openai_key,
            openai_base_url=self.get("OPENAI_BASE_URL"),
            http_url=self._http_url(),
            http_token=self.get("LASTMILE_HTTP_TOKEN"),
            knowledge_dir=self._directory("LASTMILE_KNOWLEDGE_DIR"),
            owners_file=self._file("LASTMILE_OWNERS_FILE"),
            workspace_file=self._workspace_file(),
            prompts_dir=self._prompts_dir(),
            digest_schedule=self._schedule(),
            timezone=self._timezone(),
            log_level=self._log_level(),
            answer_timeout_s=self._number("LASTMILE_ANSWER_TIMEOUT", 30.0, 1.0, 600.0),
            admins=self._admins(),
            urgent_report_threshold=int(self._number("LASTMILE_URGENT_REPORTS", 3, 1, 1000)),
            urgent_ping_interval_s=int(self._number("LASTMILE_URGENT_INTERVAL", 3600, 0, 604800)),
            retention_days=int(
                self._number("LASTMILE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1, 36500)
            ),
            knowledge_reload_s=self._number(
                "LASTMILE_KNOWLEDGE_RELOAD", DEFAULT_KNOWLEDGE_RELOAD_S, 0, 3600
            ),
            verified_review_days=int(
                self._number("LASTMILE_VERIFIED_REVIEW_DAYS", DEFAULT_VERIFIED_REVIEW_DAYS, 1, 3650)
            ),
            stale_after_days=int(
                self._number("LASTMILE_STALE_AFTER_DAYS", DEFAULT_STALE_AFTER_DAYS, 1, 36500)
            ),
            workers=int(self._number("LASTMILE_WORKERS", DEFAULT_WORKERS, 1, 256)),
            database_wait_s=self._number(
                "LASTMILE_DATABASE_WAIT", DEFAULT_DATABASE_WAIT_S, 0, 86400
            ),
            traces=self._traces(),
            spool_dir=Path(spool).expanduser()
            if (spool := self.get("LASTMILE_SPOOL_DIR"))
            else None,
        )

    def _slack_api_url(self) -> str:
        url = self.get("SLACK_API_URL", DEFAULT_SLACK_API_URL)
        if not url.startswith(("http://", "https://")):
            self.problems.append(
                f"SLACK_API_URL={url!r} is not an http(s) URL; unset it to use Slack's own API."
            )
        return url if url.endswith("/") else url + "/"

    def _database_url(self) -> str:
        url = self.get("DATABASE_URL", DEFAULT_DATABASE_URL)
        scheme = url.split("://", 1)[0] if "://" in url else ""
        if scheme not in DATABASE_SCHEMES:
            self.problems.append(
                f"DATABASE_URL has scheme {scheme or '(none)'!r}; use sqlite:///path/to/file.db "
                "or postgresql://user@host:5432/dbname."
            )
        return url

    def _provider(self, anthropic_key: str, openai_key: str) -> str:
        chosen = self.get("LASTMILE_PROVIDER").lower()
        if not chosen:
            return "anthropic" if anthropic_key else "openai" if openai_key else "offline"
        if chosen not in PROVIDERS:
            self.problems.append(
                f"LASTMILE_PROVIDER={chosen!r} is not one of {', '.join(PROVIDERS)}."
            )
        elif chosen == "anthropic" and not anthropic_key:
            self.problems.append("LASTMILE_PROVIDER=anthropic needs ANTHROPIC_API_KEY.")
        elif chosen == "openai" and not openai_key:
            self.problems.append("LASTMILE_PROVIDER=openai needs OPENAI_API_KEY.")
        elif chosen == "http" and not self.get("LASTMILE_HTTP_URL"):
            self.problems.append(
                "LASTMILE_PROVIDER=http needs LASTMILE_HTTP_URL, the URL lastmile POSTs each "
                "question to (docs/http-provider.md)."
            )
        return chosen

    def _http_url(self) -> str:
        url = self.get("LASTMILE_HTTP_URL")
        if url and not url.startswith(("http://", "https://")):
            self.problems.append(f"LASTMILE_HTTP_URL={url!r} is not an http(s) URL.")
        return url

    def _directory(self, name: str) -> Path | None:
        value = self.get(name)
        if not value:
            return None
        path = Path(value).expanduser()
        if not path.is_dir():
            self.problems.append(f"{name}={value!r} is not a directory.")
        return path

    def _file(self, name: str) -> Path | None:
        value = self.get(name)
        if not value:
            return None
        path = Path(value).expanduser()
        if not path.is_file():
            self.problems.append(f"{name}={value!r} does not exist.")
        return path

    def _prompts_dir(self) -> Path | None:
        folder = self._directory("LASTMILE_PROMPTS_DIR")
        if folder is not None and folder.is_dir():
            for name in PROMPT_NAMES:
                path = folder / f"{name}.md"
                if path.is_file():
                    try:
                        read_prompt_file(path)
                    except PromptFileError as error:
                        self.problems.append(f"LASTMILE_PROMPTS_DIR: {error}.")
        return folder

    def _traces(self) -> TraceSettings:
        traces, problems = read_trace_settings(self.env)
        self.problems += problems
        return traces

    def _workspace_file(self) -> Path | None:
        path = self._file("LASTMILE_WORKSPACE_FILE")
        if path is not None and path.is_file():
            try:
                load_workspace_file(path)
            except WorkspaceFileError as error:
                self.problems += [f"LASTMILE_WORKSPACE_FILE: {p}" for p in error.problems]
        return path

    def _admins(self) -> tuple[str, ...]:
        """User ids only: an email or a name would silently match nobody's clicks."""
        admins = tuple(u.strip() for u in self.get("LASTMILE_ADMINS").split(",") if u.strip())
        for admin in admins:
            problem = user_id_problem(admin)
            if problem is not None:
                self.problems.append(f"LASTMILE_ADMINS: {problem}.")
        return admins

    def _schedule(self) -> str:
        value = self.get("LASTMILE_DIGEST_SCHEDULE", DEFAULT_DIGEST_SCHEDULE)
        if not croniter.is_valid(value):
            self.problems.append(
                f"LASTMILE_DIGEST_SCHEDULE={value!r} is not a cron expression "
                "(five fields, e.g. '0 9 * * 1' for Monday 09:00)."
            )
        elif not _ever_fires(value):
            self.problems.append(
                f"LASTMILE_DIGEST_SCHEDULE={value!r} never fires (no such date, e.g. 31 "
                "February); use a schedule that does, e.g. '0 9 * * 1' for Monday 09:00."
            )
        return value

    def _timezone(self) -> str:
        value = self.get("LASTMILE_TIMEZONE", "UTC")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.problems.append(
                f"LASTMILE_TIMEZONE={value!r} is not an IANA time zone (e.g. Europe/Paris)."
            )
            return "UTC"
        return value

    def _log_level(self) -> str:
        value = self.get("LASTMILE_LOG_LEVEL", "INFO").upper()
        if value not in LOG_LEVELS:
            self.problems.append(
                f"LASTMILE_LOG_LEVEL={value!r} is not one of {', '.join(LOG_LEVELS)}."
            )
            return "INFO"
        return value

    def _number(self, name: str, default: float, low: float, high: float) -> float:
        raw = self.get(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            self.problems.append(f"{name}={raw!r} is not a number.")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}={raw!r} must be between {low:g} and {high:g}.")
            return default
        return value
