"""Digest listeners: the owner buttons and `/lastmile owners`; plus posting digests to Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.owners import sync_owners_file
from bot.runtime import Runtime
from handlers.digest.actions import register_actions
from handlers.digest.owners_command import register_owners_command


def register(app: App, runtime: Runtime) -> None:
    """Sync the owners file into the database, then register this package's listeners."""
    sync_owners_file(runtime.store, runtime.settings.owners_file)
    register_actions(app, runtime)
    register_owners_command(app, runtime)
