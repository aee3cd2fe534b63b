"""How lastmile presents itself in a workspace: greeting, suggested prompts, per-channel rules."""

from bot.workspace.config import (
    AgentConfig,
    ChannelConfig,
    SuggestedPrompt,
    WorkspaceConfig,
    WorkspaceFileError,
    default_workspace_config,
    load_workspace_file,
)

__all__ = [
    "AgentConfig",
    "ChannelConfig",
    "SuggestedPrompt",
    "WorkspaceConfig",
    "WorkspaceFileError",
    "default_workspace_config",
    "load_workspace_file",
]
