"""What the asker sees when lastmile gives up on a question: an honest notice, in one place.

The reply an earlier attempt started (its ts is on the question) is replaced by the notice, so
a "trying again" line never stays up after the trying has stopped; with no reply yet, the
notice is posted in the question's thread.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.mrkdwn import escape
from bot.runtime import Runtime

GAVE_UP = (
    "Sorry, I couldn't answer this: something kept failing on my side. "
    "Please ask again in a few minutes."
)
log = logging.getLogger(__name__)


def tell_gave_up(runtime: Runtime, client: WebClient, event_id: str, event: dict[str, Any]) -> None:
    """Replace the started reply with `GAVE_UP`, or post it in the question's thread."""
    channel = str(event.get("channel") or "")
    thread_ts = str(event.get("thread_ts") or event.get("ts") or "")
    question = runtime.store.question_for_event(event_id)
    reply_ts = question.reply_ts if question is not None else ""
    text = escape(GAVE_UP)
    try:
        if reply_ts:
            try:
                client.chat_stopStream(channel=channel, ts=reply_ts)
            except SlackApiError:
                pass  # not streaming any more: the update below replaces it
            client.chat_update(channel=channel, ts=reply_ts, text=text, blocks=[])
        else:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    except (SlackApiError, SlackRequestError) as error:
        log.warning("could not tell the asker of %s it was given up: %s", event_id, error)
