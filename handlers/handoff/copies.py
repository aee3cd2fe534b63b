"""Posting a hand-off's copies to its helpers, showing its state on them, reading replies.

Each copy is taken (one conditional update) before it is posted, so two clicks or replicas
never post one twice; a copy Slack refused is released and posted by the next click.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.handoff import helper_reply, recipients
from bot.runtime import Runtime
from handlers.ask.message import notification_text
from handlers.handoff.blocks import handoff_blocks, handoff_text
from handlers.owner_groups import group_members
from storage.models import Answer, Handoff

log = logging.getLogger(__name__)


def deliver(runtime: Runtime, client: WebClient, handoff: Handoff, answer: Answer) -> str | None:
    """Post every copy not posted yet; Slack's error code if one failed (it is kept)."""
    assert handoff.id is not None
    store = runtime.store
    people = recipients(handoff.destination, group_members(runtime, client))
    posts = store.plan_handoff_posts(handoff.id, people)
    if not posts:
        return "no_members"
    pending = [p for p in posts if p.channel_id is None and p.id is not None]
    if not pending:
        return None  # every copy is out already: a repeated click sends nothing
    question = store.get_question(answer.question_id)
    asked = question.text if question else ""
    main = handoff_text(handoff, asked, answer.text, _permalink(client, answer))
    error = None
    for post in pending:
        assert post.id is not None
        if not store.take_handoff_post(post.id):
            continue
        try:
            sent = client.chat_postMessage(
                channel=post.recipient,
                text=notification_text(f"A question for a person: {asked}"),
                blocks=handoff_blocks(main, handoff),
                unfurl_links=False,
            )
        except SlackApiError as err:
            store.release_handoff_post(post.id)
            error = str(err.response.get("error") or "slack_error")
            log.warning("hand-off %s to %s not posted: %s", handoff.id, post.recipient, error)
            continue
        store.set_handoff_post(post.id, str(sent["channel"]), str(sent["ts"]))
    return error


def find_reply(
    runtime: Runtime, client: WebClient, handoff: Handoff, helper: str, *, copy: tuple[str, str]
) -> str | None:
    """The helper's last reply: in the answer's thread (not a private DM), else in the
    thread of the copy they clicked."""
    places = [copy]
    if not handoff.channel_id.startswith("D"):
        question = runtime.store.get_question(handoff.question_id)
        places.insert(
            0, (handoff.channel_id, question.thread_ts if question else handoff.message_ts)
        )
    for channel, ts in places:
        try:
            found = client.conversations_replies(channel=channel, ts=ts, limit=200)
        except SlackApiError as err:
            log.info("hand-off %s: replies in %s unreadable: %s", handoff.id, channel, err)
            continue
        after = handoff.message_ts if channel == handoff.channel_id else ts
        reply = helper_reply(found.get("messages") or [], helper, after)
        if reply is not None:
            return reply
    return None


def refresh_copies(
    runtime: Runtime, client: WebClient, handoff: Handoff, main: str, *, can_propose: bool = False
) -> None:
    """Show the hand-off's state on every copy (a failed update is logged, never raised)."""
    assert handoff.id is not None
    blocks = handoff_blocks(main, handoff, can_propose=can_propose)
    for post in runtime.store.handoff_posts(handoff.id):
        if not post.channel_id or not post.message_ts:
            continue
        try:
            client.chat_update(
                channel=post.channel_id,
                ts=post.message_ts,
                text="A question for a person",
                blocks=blocks,
            )
        except SlackApiError as err:
            log.warning("hand-off %s copy in %s not updated: %s", handoff.id, post.channel_id, err)


def _permalink(client: WebClient, answer: Answer) -> str | None:
    try:
        found = client.chat_getPermalink(
            channel=answer.channel_id, message_ts=answer.message_ts or ""
        )
    except SlackApiError:
        return None
    return str(found.get("permalink") or "") or None
