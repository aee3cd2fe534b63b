"""The Messages tab (Slack's agent messaging experience, `agent_view`): prompts and a greeting.

Slack sends `app_home_opened` with `tab == "messages"` each time a person opens lastmile's
Messages tab. The suggested prompts are set every time, at the top of the tab: for agent apps
`assistant.threads.setSuggestedPrompts` takes no `thread_ts` (with one the call fails silently).
The greeting, with the AI disclaimer, is posted only into an empty conversation, so reopening
the tab never repeats it. Both come from the workspace file (bot/workspace), not from code.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.mrkdwn import escape
from bot.runtime import Runtime
from bot.workspace import AgentConfig

log = logging.getLogger(__name__)


def open_messages_tab(runtime: Runtime, body: dict[str, Any], client: WebClient) -> None:
    """Offer the suggested prompts, and greet a person whose conversation with us is empty."""
    event = body["event"]
    channel = str(event.get("channel") or "")
    if not channel:
        return
    agent = runtime.workspace.agent_for(str(body.get("team_id") or ""))
    set_prompts(client, channel, agent)
    try:
        empty = not client.conversations_history(channel=channel, limit=1).get("messages")
    except SlackApiError as err:
        log.info("could not read the Messages tab of %s: %s", channel, err.response.get("error"))
        return
    if empty:
        client.chat_postMessage(
            channel=channel, text=greeting_text(agent), blocks=greeting_blocks(agent)
        )


def set_prompts(client: WebClient, channel: str, agent: AgentConfig) -> None:
    """The workspace's suggested prompts at the top of the Messages tab (no thread_ts)."""
    if not agent.prompts:
        return
    prompts = [{"title": p.title, "message": p.message} for p in agent.prompts]
    try:
        client.assistant_threads_setSuggestedPrompts(
            channel_id=channel, title=agent.prompts_title, prompts=prompts
        )
    except SlackApiError as err:
        log.warning("suggested prompts not set in %s: %s", channel, err.response.get("error"))


def greeting_text(agent: AgentConfig) -> str:
    """The greeting's notification text: greeting, then the disclaimer."""
    return f"{escape(agent.greeting)}\n{escape(agent.disclaimer)}"


def greeting_blocks(agent: AgentConfig) -> list[Block]:
    """The greeting as a section, the AI disclaimer under it as a context line."""
    return [
        SectionBlock(text=MarkdownTextObject(text=escape(agent.greeting))),
        ContextBlock(
            elements=[MarkdownTextObject(text=f":robot_face: {escape(agent.disclaimer)}")]
        ),
    ]
