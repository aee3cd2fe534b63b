"""Reactions on the bot's answers: thumbs down or :x: is a thumbs down, thumbs up is up.

Only a reaction on a message we recorded as an answer counts; removing the reaction takes back
only a vote that came from a reaction (a button vote stays).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.feedback import FeedbackWrite, vote_from_reaction
from handlers.feedback.context import FeedbackContext

Event = dict[str, Any]


def reaction_write(event: Event, op: str) -> FeedbackWrite | None:
    """The vote (or retraction) a reaction event means, or None for any other reaction."""
    item = event.get("item") or {}
    kind = vote_from_reaction(str(event.get("reaction") or ""))
    if kind is None or item.get("type") != "message" or not item.get("ts"):
        return None
    channel, ts, user = str(item.get("channel") or ""), str(item["ts"]), str(event.get("user"))
    return FeedbackWrite(op, channel, ts, user, kind, "reaction")


def on_reaction(ctx: FeedbackContext, event: Event, client: WebClient, *, added: bool) -> None:
    """Store or retract the vote of a reaction on one of our answers."""
    write = reaction_write(event, "vote" if added else "retract")
    if write is None:
        return
    result = ctx.recorder.record(write)
    if not added:
        return
    where = {"channel": write.channel_id, "user": write.user_id, "thread_ts": ""}
    if not ctx.tell_unsaved(client, **where, status=result.status):
        ctx.after_store(client, write, result)
