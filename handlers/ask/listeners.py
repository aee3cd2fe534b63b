"""Ways to ask in Slack: @mention in a channel, a direct message, and `/ask <question>`.

Each listener acks at once and does the slow work in a Bolt lazy listener, so the 3-second
acknowledgement never waits on the LLM, whatever `process_before_response` is set to.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.vocabulary import ActionId
from bot.workspace.help_channels import is_help_channel_question
from handlers.ask.command import command_ack_text, command_event_id, process_ask_command
from handlers.ask.events import answer_event_once
from handlers.ask.thread_status import show_thinking
from handlers.middleware.events import QUEUED, is_held, run_once


def register_listeners(app: App, runtime: Runtime) -> None:
    """@mention, DM and /ask listeners."""

    def ack_event(ack: Ack) -> None:
        ack()

    def on_app_mention(body: dict[str, Any], client: WebClient) -> None:
        """Answer in the mention's thread."""
        answer_event_once(runtime, client, body)

    def on_direct_message(body: dict[str, Any], client: WebClient) -> None:
        """Answer a plain DM (the Messages tab) in a thread under it, status shown meanwhile."""
        show_thinking(runtime, client, body)
        answer_event_once(runtime, client, body)

    def is_help_channel_message(event: dict[str, Any], context: BoltContext) -> bool:
        return is_help_channel_question(event, runtime.workspace, context.bot_user_id)

    def on_help_channel_message(body: dict[str, Any], client: WebClient) -> None:
        """Answer a top-level question in a help channel, in its thread, without a mention."""
        answer_event_once(runtime, client, body)

    def ack_ask(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=command_ack_text(command))

    def on_ask_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Post the question in the channel and answer it in that message's thread.

        A command the middleware queued is left to the event workers; a worker's run goes
        through `run_once` (retried after a failure), an unqueued one runs here.
        """
        if context.get(QUEUED):
            return
        event_id = command_event_id(command)
        if is_held(event_id):
            run_once(runtime, event_id, lambda: _answer(command, client))
        else:
            process_ask_command(runtime, client, command)

    def _answer(command: dict[str, Any], client: WebClient) -> None:
        process_ask_command(runtime, client, command)

    app.event("app_mention")(ack=ack_event, lazy=[on_app_mention])
    app.event("message", matchers=[is_question_dm])(ack=ack_event, lazy=[on_direct_message])
    app.event("message", matchers=[is_help_channel_message])(
        ack=ack_event, lazy=[on_help_channel_message]
    )
    app.command(ActionId.ASK_COMMAND)(ack=ack_ask, lazy=[on_ask_command])


def is_question_dm(event: dict[str, Any]) -> bool:
    """A person's new message in a DM with the bot (not an edit, a bot post or a join)."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") is None
        and event.get("bot_id") is None
        and bool(event.get("user"))
    )
