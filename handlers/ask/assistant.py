"""The assistant pane: a greeting with suggested prompts, then answers to the user's messages.

Bolt's `Assistant` middleware routes `assistant_thread_started` and the user's messages in the
pane's thread here; everything else falls through to the other listeners.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, Assistant, Say, SetSuggestedPrompts
from slack_sdk import WebClient

from bot.mrkdwn import truncate
from bot.runtime import Runtime
from handlers.ask.events import answer_event_once, question_text
from handlers.middleware import event_id_of, run_once

GREETING = (
    "Hi! Ask me anything about how things work here. I answer from the company knowledge base "
    "and show my sources; tell me with the buttons under each answer when I get it wrong."
)
SUGGESTED_PROMPTS = (
    "How do I set up the VPN?",
    "How do I expense a taxi?",
    "Who do I ask about payroll?",
)
THINKING = "is thinking..."
TITLE_CHARS = 60


def build_assistant(runtime: Runtime) -> Assistant:
    """The `Assistant` middleware with lastmile's listeners; the answer runs lazily."""
    assistant = Assistant()

    @assistant.thread_started
    def on_assistant_thread_started(
        body: dict[str, Any], say: Say, set_suggested_prompts: SetSuggestedPrompts
    ) -> None:
        """Greet the user and offer prompts to start from (once per event, like every listener)."""

        def greet() -> None:
            say(GREETING)
            set_suggested_prompts(prompts=list(SUGGESTED_PROMPTS), title="Try asking")

        run_once(runtime, event_id_of(body), greet)

    def ack_message(ack: Ack) -> None:
        ack()

    def on_assistant_message(body: dict[str, Any], client: WebClient) -> None:
        """Show the status, title the thread after its first question, then answer."""
        event = body["event"]
        channel, thread_ts = str(event["channel"]), str(event["thread_ts"])
        client.assistant_threads_setStatus(channel_id=channel, thread_ts=thread_ts, status=THINKING)
        if not runtime.store.thread_turns(channel, thread_ts, limit=1):
            title = thread_title(question_text(str(event.get("text") or "")))
            if title:
                client.assistant_threads_setTitle(
                    channel_id=channel, thread_ts=thread_ts, title=title
                )
        answer_event_once(runtime, client, body)

    assistant.user_message(lazy=[on_assistant_message])(ack_message)
    return assistant


def thread_title(question: str) -> str:
    """A short title from the first question; angle brackets dropped so nothing can ping."""
    return truncate(" ".join(re.sub(r"[<>]", "", question).split()), TITLE_CHARS)
