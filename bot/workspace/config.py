"""The workspace file: greeting, disclaimer, suggested prompts and per-channel behaviour.

Read strictly, like the owners file: an unknown key (`anwser_without_mention`) or a wrong type
is named with the fix, because a typo here would silently change what people see. Without a
file the packaged `defaults.toml` applies; a file replaces only the keys it sets. Per-workspace
overrides (`[workspace.T0123]`, for org-wide installs) replace keys of `[agent]` for that team.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from bot.owners.ids import channel_id_problem, group_id_problem

MAX_PROMPTS = 4
"""assistant.threads.setSuggestedPrompts takes at most four prompts."""
MAX_LOADING_MESSAGES = 10
AGENT_KEYS = ("greeting", "disclaimer", "prompts_title", "status", "loading_messages", "prompts")
CHANNEL_KEYS = ("id", "answer_without_mention", "feedback", "handoff")


@dataclass(frozen=True)
class SuggestedPrompt:
    """One prompt offered at the top of the Messages tab: a short title and the message sent."""

    title: str
    message: str


@dataclass(frozen=True)
class AgentConfig:
    """What a person sees of lastmile in its Messages tab (and the pane, on older installs)."""

    greeting: str
    disclaimer: str
    prompts_title: str
    status: str
    loading_messages: tuple[str, ...]
    prompts: tuple[SuggestedPrompt, ...]


@dataclass(frozen=True)
class ChannelConfig:
    """Behaviour in one channel: answer without a mention, feedback controls, hand-off target."""

    channel_id: str
    answer_without_mention: bool = False
    feedback: bool = True
    handoff: str | None = None


@dataclass(frozen=True)
class WorkspaceConfig:
    """The whole file: the agent's defaults, per-team overrides, per-channel rules."""

    agent: AgentConfig
    teams: dict[str, AgentConfig] = field(default_factory=dict)
    channels: dict[str, ChannelConfig] = field(default_factory=dict)
    source: str = "packaged defaults"

    def agent_for(self, team_id: str | None) -> AgentConfig:
        """The agent settings for a team (its override, else the defaults)."""
        return self.teams.get(team_id or "", self.agent)

    def channel(self, channel_id: str) -> ChannelConfig:
        """A channel's rules (defaults for a channel not in the file)."""
        return self.channels.get(channel_id) or ChannelConfig(channel_id=channel_id)


class WorkspaceFileError(ValueError):
    """The workspace file is unusable; `problems` names each mistake and its fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def default_workspace_config() -> WorkspaceConfig:
    """The packaged defaults (bot/workspace/defaults.toml)."""
    text = resources.files("bot.workspace").joinpath("defaults.toml").read_text("utf-8")
    return _parse(tomllib.loads(text), "defaults.toml", base=None)


def load_workspace_file(path: Path) -> WorkspaceConfig:
    """Read a workspace file over the packaged defaults; raises WorkspaceFileError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise WorkspaceFileError([f"{path}: not valid TOML: {error}"]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise WorkspaceFileError([f"{path}: cannot read: {error}"]) from error
    config = _parse(data, str(path), base=default_workspace_config().agent)
    return replace(config, source=str(path))


def _parse(data: dict[str, Any], where: str, *, base: AgentConfig | None) -> WorkspaceConfig:
    reader = _Reader(where)
    reader.keys(data, ("agent", "workspace", "channel"), "the file")
    agent = reader.agent(data.get("agent", {}), "[agent]", base)
    teams = {
        str(team): reader.agent(table, f"[workspace.{team}]", agent)
        for team, table in reader.table(data.get("workspace", {}), "[workspace]").items()
    }
    channels = [reader.channel(table, n) for n, table in enumerate(data.get("channel", []), 1)]
    if reader.problems:
        raise WorkspaceFileError(reader.problems)
    return WorkspaceConfig(
        agent=agent, teams=teams, channels={c.channel_id: c for c in channels if c.channel_id}
    )


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.where}: {text}")

    def keys(self, table: dict[str, Any], allowed: tuple[str, ...], place: str) -> None:
        for key in table:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean `{near[0]}`?" if near else f"; known: {', '.join(allowed)}"
                self.problem(f"unknown key `{key}` in {place}{hint}")

    def table(self, value: Any, place: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.problem(f"{place} must be a table")
        return {}

    def agent(self, value: Any, place: str, base: AgentConfig | None) -> AgentConfig:
        table = self.table(value, place)
        self.keys(table, AGENT_KEYS, place)
        texts = {key: self.text(table, key, place, base) for key in AGENT_KEYS[:4]}
        loading = self.texts(table, place, base.loading_messages if base else ())
        prompts = self.prompts(table, place, base.prompts if base else ())
        return AgentConfig(**texts, loading_messages=loading, prompts=prompts)

    def text(self, table: dict[str, Any], key: str, place: str, base: AgentConfig | None) -> str:
        value = table.get(key, getattr(base, key) if base else None)
        if not isinstance(value, str) or not value.strip():
            self.problem(f"`{key}` in {place} must be a non-empty string")
            return ""
        return value.strip()

    def texts(self, table: dict[str, Any], place: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = table.get("loading_messages", list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(f"`loading_messages` in {place} must be a list of strings")
            return ()
        if len(value) > MAX_LOADING_MESSAGES:
            self.problem(f"`loading_messages` in {place}: at most {MAX_LOADING_MESSAGES}")
        return tuple(value[:MAX_LOADING_MESSAGES])

    def prompts(
        self, table: dict[str, Any], place: str, default: tuple[SuggestedPrompt, ...]
    ) -> tuple[SuggestedPrompt, ...]:
        if "prompts" not in table:
            return default
        found: list[SuggestedPrompt] = []
        for n, item in enumerate(table["prompts"] if isinstance(table["prompts"], list) else []):
            entry = self.table(item, f"prompt {n + 1} of {place}")
            self.keys(entry, ("title", "message"), f"prompt {n + 1} of {place}")
            title, message = entry.get("title"), entry.get("message")
            if not isinstance(title, str) or not isinstance(message, str) or not message.strip():
                self.problem(f"prompt {n + 1} of {place} needs a `title` and a `message`")
                continue
            found.append(SuggestedPrompt(title=title.strip(), message=message.strip()))
        if len(found) > MAX_PROMPTS:
            self.problem(f"{place}: Slack shows at most {MAX_PROMPTS} suggested prompts")
        return tuple(found[:MAX_PROMPTS])

    def channel(self, value: Any, n: int) -> ChannelConfig:
        place = f"[[channel]] {n}"
        table = self.table(value, place)
        self.keys(table, CHANNEL_KEYS, place)
        channel_id = str(table.get("id") or "")
        problem = channel_id_problem(channel_id) if channel_id else "`id` is missing"
        if problem:
            self.problem(f"{place}: {problem}")
        flags = {key: table.get(key, default) for key, default in _FLAGS.items()}
        for key, flag in flags.items():
            if not isinstance(flag, bool):
                self.problem(f"{place}: `{key}` must be true or false")
        handoff = table.get("handoff")
        if handoff is not None:
            handoff = str(handoff)
            if group_id_problem(handoff) and channel_id_problem(handoff):
                self.problem(f"{place}: `handoff` must be a user group (S…) or a channel (C…)")
        return ChannelConfig(
            channel_id=channel_id,
            answer_without_mention=bool(flags["answer_without_mention"]),
            feedback=bool(flags["feedback"]),
            handoff=handoff,
        )


_FLAGS = {"answer_without_mention": False, "feedback": True}
