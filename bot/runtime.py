"""Runtime: everything a running lastmile needs, built once from Settings and passed down."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from bot.answering import Answerer, KnowledgeBase, Prompt, make_answerer
from bot.answering.knowledge import ParsedFiles, load_folder
from bot.answering.prompt import load_prompts
from bot.answering.reload import log_load
from bot.clock import system_clock
from bot.settings import Settings
from bot.traces import NoTraces, Traces, traces_from_settings
from bot.workspace import WorkspaceConfig, default_workspace_config, load_workspace_file
from storage import Store, make_engine, upgrade
from storage.engine import first_line, is_unreachable

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The core's dependencies. Handlers receive this; tests build it with their own parts."""

    settings: Settings
    store: Store
    answerer: Answerer
    knowledge: KnowledgeBase
    prompt: Prompt
    clock: Callable[[], datetime] = system_clock
    instance_id: str = "lastmile"
    extras: dict[str, object] = field(default_factory=dict)
    workspace: WorkspaceConfig = field(default_factory=default_workspace_config)
    traces: Traces = field(default_factory=NoTraces)
    """Where answers and feedback are traced (OpenTelemetry over OTLP/HTTP; off by default)."""
    parsed_files: ParsedFiles = field(default_factory=ParsedFiles)
    """The knowledge files as last parsed: a reload parses only the changed ones."""
    prompts: dict[str, Prompt] = field(default_factory=load_prompts)
    """Every prompt by name (LASTMILE_PROMPTS_DIR over the packaged ones); `prompt` is "answer"."""


def build_runtime(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = system_clock,
    instance_id: str = "lastmile",
    wait_for_database_s: float = 0.0,
) -> Runtime:
    """Connect and migrate the database, load knowledge and prompt, build the provider.

    With `wait_for_database_s`, a PostgreSQL server that can't be reached yet is waited for
    (retried with backoff, each wait logged) that long before the error is raised.
    """
    engine = make_engine(settings.database_url)
    upgrade_when_reachable(engine, wait_for_database_s)
    parsed_files = ParsedFiles()
    knowledge = load_folder(settings.knowledge_dir, parsed_files)
    if settings.knowledge_dir is not None:
        log_load(knowledge, settings.knowledge_dir)
    prompts = load_prompts(settings.prompts_dir)
    return Runtime(
        settings=settings,
        store=Store(engine, clock=clock),
        answerer=answerer_from_settings(settings),
        knowledge=knowledge.knowledge,
        parsed_files=parsed_files,
        traces=traces_from_settings(settings.traces),
        prompt=prompts["answer"],
        prompts=prompts,
        clock=clock,
        instance_id=instance_id,
        workspace=workspace_from_settings(settings),
    )


def workspace_from_settings(settings: Settings) -> WorkspaceConfig:
    """LASTMILE_WORKSPACE_FILE over the packaged defaults (validated with the settings)."""
    if settings.workspace_file is None:
        return default_workspace_config()
    return load_workspace_file(settings.workspace_file)


def upgrade_when_reachable(
    engine: Engine,
    wait_s: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """`upgrade(engine)`, retrying with backoff while the server is unreachable (up to `wait_s`)."""
    deadline = monotonic() + wait_s
    delay = 1.0
    while True:
        try:
            upgrade(engine)
            return
        except OperationalError as error:
            left = deadline - monotonic()
            if engine.dialect.name == "sqlite" or not is_unreachable(error) or left <= 0:
                raise
            wait = min(delay, left)
            log.warning(
                "database unreachable (%s); retrying in %.0f s (giving up in %.0f s)",
                first_line(error),
                wait,
                left,
            )
            sleep(wait)
            delay = min(delay * 2, 30.0)


def answerer_from_settings(settings: Settings) -> Answerer:
    """The configured provider (LASTMILE_PROVIDER, keys, base URLs, answer timeout)."""
    return make_answerer(
        provider=settings.provider,
        model=settings.model or None,
        anthropic_api_key=settings.anthropic_api_key or None,
        anthropic_base_url=settings.anthropic_base_url or None,
        openai_api_key=settings.openai_api_key or None,
        openai_base_url=settings.openai_base_url or None,
        http_url=settings.http_url or None,
        http_token=settings.http_token or None,
        timeout_s=settings.answer_timeout_s,
    )
