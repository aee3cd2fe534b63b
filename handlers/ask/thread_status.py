"""Before answering in a DM: the thread's status with loading messages, and its title.

In the Messages tab (agent_view) and the older assistant pane alike, Slack shows the status
("is looking this up...", cycling the loading messages) until our reply arrives, and lists the
conversation under its title. Both are cosmetic: a refusal is logged and the answer goes on.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.mrkdwn import truncate
from bot.runtime import Runtime
from handlers.ask.events import question_text

log = logging.getLogger(__name__)

TITLE_CHARS = 60


def show_thinking(runtime: Runtime, client: WebClient, body: dict[str, Any]) -> None:
    """Set the DM thread's status; title a thread after its first question."""
    event = body["event"]
    channel = str(event["channel"])
    thread_ts = str(event.get("thread_ts") or event["ts"])
    agent = runtime.workspace.agent_for(str(body.get("team_id") or ""))
    try:
        client.assistant_threads_setStatus(
            channel_id=channel,
            thread_ts=thread_ts,
            status=agent.status,
            loading_messages=list(agent.loading_messages) or None,
        )
        if not runtime.store.thread_turns(channel, thread_ts, limit=1):
            title = thread_title(question_text(str(event.get("text") or "")))
            if title:
                client.assistant_threads_setTitle(
                    channel_id=channel, thread_ts=thread_ts, title=title
                )
    except SlackApiError as err:
        log.info("thread status not set in %s: %s", channel, err.response.get("error"))


def thread_title(question: str) -> str:
    """A short title from the first question; angle brackets dropped so nothing can ping."""
    return truncate(" ".join(re.sub(r"[<>]", "", question).split()), TITLE_CHARS)
