"""Asking in Slack: @mention, DM, the assistant pane and `/ask`, answered by streaming.

Event listeners run their slow part through the transport's `run_once` (exactly once across
replicas and crash resume); `process_question_event(runtime, client, event_id, payload)` is that
slow part, and `process_ask_command` the same for `/ask`.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers.ask.assistant import build_assistant
from handlers.ask.command import process_ask_command
from handlers.ask.events import process_question_event
from handlers.ask.listeners import register_listeners

__all__ = ["process_ask_command", "process_question_event", "register"]


def register(app: App, runtime: Runtime) -> None:
    """The assistant middleware first (it claims the pane's messages), then the listeners."""
    app.use(build_assistant(runtime))
    register_listeners(app, runtime)
