"""`process_question_event`: the slow part of answering one Slack event, run after the ack.

It takes only the stored payload, so the transport's crash-resume can call it again for an event
that was accepted but never finished; `bot.asking.ask` makes a second run a no-op once the
question has an answer.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient

from bot.asking import AskRequest, AskResult, ask
from bot.runtime import Runtime
from handlers.ask.gave_up import tell_gave_up
from handlers.ask.sink import SlackAnswerSink
from handlers.feedback.owner_hide import owner_people_for
from handlers.middleware import event_id_of, run_once
from handlers.slack_text import plain_text

log = logging.getLogger(__name__)

Payload = dict[str, Any]
_LEADING_MENTIONS = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")


def process_question_event(
    runtime: Runtime, client: WebClient, event_id: str, payload: Payload
) -> AskResult:
    """Answer the question in an Events API body (app_mention or message.im)."""
    event: Payload = payload.get("event", payload)
    request = question_request(event, event_id, bot_user_id=_bot_user_id(payload))
    direct = event.get("channel_type") == "im" or request.channel_id.startswith("D")
    team = event.get("team") or payload.get("team_id")
    sink = SlackAnswerSink(
        client,
        channel=request.channel_id,
        thread_ts=request.thread_ts,
        # Streaming outside a DM must name who the streamed reply is for.
        recipient_team_id=None if direct else team,
        recipient_user_id=None if direct else request.user_id,
        clock=lambda: runtime.clock().timestamp(),
        feedback=runtime.workspace.channel(request.channel_id).feedback,
        owner_people=owner_people_for(runtime, client, request.channel_id, request.text),
    )
    return ask(runtime, request, sink)


def answer_event_once(runtime: Runtime, client: WebClient, body: Payload) -> None:
    """Answer an event under the transport's exactly-once contract (`run_once`)."""
    event_id = event_id_of(body)
    if not event_id:
        process_question_event(runtime, client, event_id, body)
        return
    event: Payload = body.get("event", body)
    run_once(
        runtime,
        event_id,
        lambda: _process(runtime, client, event_id, body),
        on_give_up=lambda: tell_gave_up(runtime, client, event_id, event),
    )


def _process(runtime: Runtime, client: WebClient, event_id: str, body: Payload) -> None:
    process_question_event(runtime, client, event_id, body)


def question_request(event: Payload, event_id: str | None, *, bot_user_id: str = "") -> AskRequest:
    """The question in a message-like event; replies go to the parent's thread."""
    ts = str(event["ts"])
    return AskRequest(
        text=question_text(str(event.get("text") or ""), bot_user_id),
        user_id=str(event.get("user") or ""),
        channel_id=str(event["channel"]),
        thread_ts=str(event.get("thread_ts") or ts),
        message_ts=ts,
        via=_via(event),
        event_id=event_id,
    )


def question_text(text: str, bot_user_id: str = "") -> str:
    """What the person asked, as plain text: leading @mentions and the bot's mention removed."""
    text = _LEADING_MENTIONS.sub("", text)
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", "", text)
    return plain_text(text).strip()


def _via(event: Payload) -> str:
    if event.get("type") == "app_mention":
        return "mention"
    if event.get("channel_type") in ("channel", "group"):
        return "channel"  # a help channel's question, answered without a mention
    return "assistant" if event.get("thread_ts") else "dm"


def _bot_user_id(payload: Payload) -> str:
    for authorization in payload.get("authorizations") or []:
        if authorization.get("is_bot") and authorization.get("user_id"):
            return str(authorization["user_id"])
    return ""
