"""The older assistant pane (`assistant_view`): a greeting with suggested prompts, then answers.

New installs use the agent messaging experience (handlers/home/messages_tab.py); installs whose
app still has `assistant_view` keep working through Bolt's `Assistant` middleware, which routes
`assistant_thread_started` and the user's messages in a DM thread here. Greeting, disclaimer and
prompts come from the workspace file, as in the Messages tab.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Assistant, Say, SetSuggestedPrompts
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.ask.events import answer_event_once
from handlers.ask.thread_status import show_thinking
from handlers.home.messages_tab import greeting_blocks, greeting_text
from handlers.middleware import event_id_of, run_once


def build_assistant(runtime: Runtime) -> Assistant:
    """The `Assistant` middleware with lastmile's listeners; the answer runs lazily."""
    assistant = Assistant()

    @assistant.thread_started
    def on_assistant_thread_started(
        body: dict[str, Any], say: Say, set_suggested_prompts: SetSuggestedPrompts
    ) -> None:
        """Greet the user and offer prompts to start from (once per event, like every listener)."""
        agent = runtime.workspace.agent_for(str(body.get("team_id") or ""))

        def greet() -> None:
            say(text=greeting_text(agent), blocks=greeting_blocks(agent))
            prompts = [{"title": p.title, "message": p.message} for p in agent.prompts]
            if prompts:
                set_suggested_prompts(prompts=prompts, title=agent.prompts_title)

        run_once(runtime, event_id_of(body), greet)

    def ack_message(ack: Ack) -> None:
        ack()

    def on_assistant_message(body: dict[str, Any], client: WebClient) -> None:
        """Show the status, title the thread after its first question, then answer."""
        show_thinking(runtime, client, body)
        answer_event_once(runtime, client, body)

    assistant.user_message(lazy=[on_assistant_message])(ack_message)
    return assistant
