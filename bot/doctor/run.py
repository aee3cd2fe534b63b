"""All checks in the order an admin fixes things: settings, database, provider, Slack, content."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.clock import system_clock
from bot.doctor.config import CONFIG_FIX, Reading, check_configuration
from bot.doctor.database import DatabaseState, inspect_database
from bot.doctor.digest import Recipient, check_owners, check_schedule
from bot.doctor.knowledge import check_knowledge
from bot.doctor.prompts import check_prompts
from bot.doctor.provider import PROVIDER_TIMEOUT_S, check_provider
from bot.doctor.report import Check, fail, guarded, unexpected
from bot.doctor.themes import check_themes
from bot.doctor.traces import check_traces
from bot.doctor.workspace import check_messaging_experience, check_workspace_file
from bot.settings import Settings

SlackChecks = Callable[[Settings], list[Check]]
"""The Slack checks (tokens, scopes, modes), injected: the core never imports Slack code."""

# The variables whose invalid value a check reports as its own line.
DATABASE = ("DATABASE_URL",)
PROVIDER = (
    "LASTMILE_PROVIDER", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "LASTMILE_MODEL",
    "LASTMILE_HTTP_URL",
)  # fmt: skip
SLACK = ("SLACK_API_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
KNOWLEDGE = ("LASTMILE_KNOWLEDGE_DIR",)
PROMPTS = ("LASTMILE_PROMPTS_DIR",)
OWNERS = ("LASTMILE_OWNERS_FILE",)
WORKSPACE = ("LASTMILE_WORKSPACE_FILE",)
TRACES = (
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS", "LASTMILE_TRACE_URL",
)  # fmt: skip
SCHEDULE = ("LASTMILE_DIGEST_SCHEDULE", "LASTMILE_TIMEZONE")
REPORTED = {
    *DATABASE, *PROVIDER, *SLACK, *KNOWLEDGE, *PROMPTS, *OWNERS, *SCHEDULE, *WORKSPACE, *TRACES,
}  # fmt: skip


def run_checks(
    reading: Reading,
    *,
    slack_checks: SlackChecks | None = None,
    clock: Callable[[], datetime] = system_clock,
    provider_timeout_s: float = PROVIDER_TIMEOUT_S,
) -> list[Check]:
    """Every check, in order; never raises. Without `slack_checks`, Slack is not checked."""
    settings = reading.settings
    if settings is None:  # no check can run on settings that could not be read at all
        return check_configuration(reading, reported_elsewhere=set())
    database = _database(reading, settings)
    owners, recipients = _owners(reading, settings, database)

    def provider() -> list[Check]:
        return [check_provider(settings, provider_timeout_s)]

    def knowledge() -> list[Check]:
        return check_knowledge(settings.knowledge_dir, _problem(reading, KNOWLEDGE))

    def schedule() -> list[Check]:
        tz = settings.timezone
        return [check_schedule(settings.digest_schedule, tz, recipients, clock())]

    slack = slack_checks or (lambda _: [])
    return [
        *check_configuration(reading, reported_elsewhere=REPORTED),
        database.check,
        *_unless(reading, "provider", PROVIDER, provider),
        *_unless(reading, "slack", SLACK, lambda: slack(settings)),
        check_messaging_experience(database.assistant_pane_seen),
        *_unless(reading, "workspace", WORKSPACE, lambda: [check_workspace_file(settings)]),
        *guarded("knowledge", knowledge),
        *_unless(reading, "prompts", PROMPTS, lambda: check_prompts(settings)),
        *owners,
        *_unless(reading, "digest", SCHEDULE, schedule),
        *guarded("themes", lambda: [check_themes()]),
        *_unless(reading, "traces", TRACES, lambda: [check_traces(settings.traces, 5.0)]),
    ]


def _database(reading: Reading, settings: Settings) -> DatabaseState:
    found = reading.problem_with(*DATABASE)
    if found is not None:
        return DatabaseState(fail("database", found[1], CONFIG_FIX))
    try:
        return inspect_database(settings.database_url)
    except Exception as error:  # noqa: BLE001 - the report must reach the admin whole
        return DatabaseState(unexpected("database", error))


def _owners(
    reading: Reading, settings: Settings, database: DatabaseState
) -> tuple[list[Check], list[Recipient]]:
    try:
        return check_owners(settings.owners_file, database.owners, _problem(reading, OWNERS))
    except Exception as error:  # noqa: BLE001 - the report must reach the admin whole
        return [unexpected("owners", error)], []


def _problem(reading: Reading, variables: tuple[str, ...]) -> str | None:
    found = reading.problem_with(*variables)
    return found[1] if found is not None else None


def _unless(
    reading: Reading, name: str, variables: tuple[str, ...], run: Callable[[], list[Check]]
) -> list[Check]:
    """Run the check, unless one of its variables was invalid: then that problem is its line."""
    problem = _problem(reading, variables)
    if problem is not None:
        return [fail(name, problem, CONFIG_FIX)]
    return guarded(name, run)
