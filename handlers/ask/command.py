"""`/ask <question>`: ack at once, then post the question visibly and answer in its thread.

The answer lives in the thread of a message quoting the question, so the channel sees both and
people can give feedback on the answer where it is.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.answering import QuestionRejected, check_question
from bot.asking import AskRequest, AskResult, ask
from bot.runtime import Runtime
from handlers.ask.message import question_quote
from handlers.ask.sink import SlackAnswerSink
from handlers.feedback.owner_hide import owner_people_for
from handlers.middleware.events import queued_command_id
from handlers.slack_text import plain_text

LOOKING_IT_UP = "Looking that up…"

Payload = dict[str, Any]
logger = logging.getLogger(__name__)


def command_event_id(command: Payload) -> str:
    """A stable id for one slash-command invocation (commands have no event_id)."""
    return queued_command_id(command)


CANNOT_POST_HERE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
CANNOT_POST_MESSAGE = (
    "I can't post in this channel, so I can't answer here. Invite me with `/invite @lastmile`, "
    "or ask me in a direct message."
)


def tell_privately(command: Payload, text: str) -> None:
    """An ephemeral reply through the command's response_url (works where the bot can't post)."""
    url = str(command.get("response_url") or "")
    if not url:
        return
    try:
        WebhookClient(url, timeout=10).send(text=text, response_type="ephemeral")
    except (OSError, SlackClientError) as error:
        logger.warning("could not reply through response_url: %s", type(error).__name__)


def command_text(command: Payload) -> str:
    """The question as the person typed it (Slack sends it with markup and entities)."""
    return plain_text(str(command.get("text") or "")).strip()


def command_ack_text(command: Payload) -> str:
    """The ephemeral text the command is acknowledged with: progress, or why not."""
    try:
        check_question(command_text(command))
    except QuestionRejected as rejected:
        return rejected.user_message
    return LOOKING_IT_UP


def process_ask_command(runtime: Runtime, client: WebClient, command: Payload) -> AskResult | None:
    """Post the quoted question, then stream the answer in its thread; None for bad input."""
    text = command_text(command)
    try:
        check_question(text)
    except QuestionRejected:
        return None  # the ack already told the asker
    event_id = command_event_id(command)
    user, channel = str(command["user_id"]), str(command["channel_id"])
    asked = runtime.store.question_for_event(event_id)
    if asked is not None:
        thread_ts = asked.thread_ts  # a rerun: the question was already posted
    else:
        quote = question_quote(user, text)
        try:
            posted = client.chat_postMessage(
                channel=channel, text=quote, blocks=None, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as error:
            if error.response.get("error") not in CANNOT_POST_HERE:
                raise
            tell_privately(command, CANNOT_POST_MESSAGE)
            return None
        thread_ts = str(posted["ts"])
    request = AskRequest(text, user, channel, thread_ts, thread_ts, "command", event_id)
    sink = SlackAnswerSink(
        client,
        channel=channel,
        thread_ts=thread_ts,
        recipient_team_id=str(command.get("team_id") or "") or None,
        recipient_user_id=user,
        clock=lambda: runtime.clock().timestamp(),
        feedback=runtime.workspace.channel(channel).feedback,
        owner_people=owner_people_for(runtime, client, channel, request.text),
    )
    return ask(runtime, request, sink)
