"""The hand-off's clicks: the asker's "Get help from a person", then the helpers' buttons.

A click is acked at once. The asker's click makes (or finds) the answer's one hand-off and
posts every copy not posted yet, each taken first so two clicks or replicas never post one
twice; a copy Slack refused is posted by the next click (the asker is told to click again).
A helper's click is matched to its hand-off by the copy it sits on (channel + ts in our
records), never by the button's value; claim and resolve are conditional updates, one winner.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.feedback import FeedbackWrite
from bot.handoff import HandoffTarget, handoff_target, may_resolve, start_handoff
from bot.vocabulary import HandoffStatus
from handlers.feedback.buttons import clicked_message
from handlers.feedback.context import FeedbackContext
from handlers.handoff.copies import deliver, find_reply, refresh_copies
from handlers.owner_groups import group_members
from storage.models import Handoff

Body = dict[str, Any]
log = logging.getLogger(__name__)

NOBODY = (
    "Nobody is set up to take questions about this subject yet, so I couldn't hand it to a "
    "person. The people who run lastmile will see your flag if you press Report."
)
GONE = "I can't find this answer in lastmile's records yet. Try again in a moment."
NOT_A_HANDOFF = "This hand-off is not in lastmile's records any more."
NOT_YOURS = "Only the helper who took it (or the subject's owners) can mark it resolved."


def on_handoff(ctx: FeedbackContext, body: Body, client: WebClient) -> None:
    """The asker (or a colleague) asked for a person on an answer."""
    runtime = ctx.runtime
    user, channel, message_ts, thread_ts = _where(body)
    answer = runtime.store.answer_by_message(channel, message_ts)
    if answer is None or answer.id is None:
        ctx.tell(client, channel=channel, user=user, thread_ts=thread_ts, text=GONE)
        return
    target = handoff_target(runtime, answer)
    if target is None:
        ctx.tell(client, channel=channel, user=user, thread_ts=thread_ts, text=NOBODY)
        return
    handoff, created = start_handoff(runtime, answer, user, target)
    if created:  # asking for a person says the answer wasn't enough: it counts as a failure
        vote = FeedbackWrite("vote", channel, message_ts, user, "down", "handoff")
        ctx.recorder.record(vote)
    error = deliver(runtime, client, handoff, answer)
    ctx.tell(
        client,
        channel=channel,
        user=user,
        thread_ts=thread_ts,
        text=_asker_note(target, handoff, created=created, error=error),
    )


def on_claim(ctx: FeedbackContext, body: Body, client: WebClient) -> None:
    """A helper takes it: the first one wins, every copy says who, the asker hears it."""
    store = ctx.runtime.store
    user, channel, message_ts, _ = _where(body)
    handoff = store.handoff_by_post(channel, message_ts)
    if handoff is None or handoff.id is None:
        _tell_helper(ctx, client, channel, user, NOT_A_HANDOFF)
        return
    if not store.claim_handoff(handoff.id, user):
        now = store.get_handoff(handoff.id) or handoff
        taken = f"Already taken by <@{now.claimed_by}>." if now.claimed_by else "Already resolved."
        _tell_helper(ctx, client, channel, user, taken)
        return
    claimed = store.get_handoff(handoff.id) or handoff
    refresh_copies(ctx.runtime, client, claimed, _main_text(body))
    question = store.get_question(claimed.question_id)
    thread = question.thread_ts if question else claimed.message_ts
    try:
        client.chat_postMessage(
            channel=claimed.channel_id,
            thread_ts=thread,
            text=f"<@{user}> is looking at this and will get back to <@{claimed.asked_by}>.",
        )
    except SlackApiError as err:
        log.warning("hand-off %s: asker not told of the claim: %s", claimed.id, err)


def on_resolve(ctx: FeedbackContext, body: Body, client: WebClient) -> None:
    """Close it; if the helper replied, offer to turn the reply into a proposed correction."""
    runtime, store = ctx.runtime, ctx.runtime.store
    user, channel, message_ts, _ = _where(body)
    handoff = store.handoff_by_post(channel, message_ts)
    if handoff is None or handoff.id is None:
        _tell_helper(ctx, client, channel, user, NOT_A_HANDOFF)
        return
    if handoff.status == HandoffStatus.RESOLVED:
        _tell_helper(ctx, client, channel, user, "It was resolved already.")
        return
    if not may_resolve(runtime, handoff, user, group_members(runtime, client)):
        _tell_helper(ctx, client, channel, user, NOT_YOURS)
        return
    if not store.resolve_handoff(handoff.id, user):
        _tell_helper(ctx, client, channel, user, "It was resolved already.")
        return
    resolved = store.get_handoff(handoff.id) or handoff
    reply = find_reply(runtime, client, resolved, user, copy=(channel, message_ts))
    refresh_copies(runtime, client, resolved, _main_text(body), can_propose=reply is not None)


def on_propose(ctx: FeedbackContext, body: Body, client: WebClient) -> None:
    """The resolving helper's reply becomes a proposed correction on the answer, once."""
    runtime, store = ctx.runtime, ctx.runtime.store
    user, channel, message_ts, _ = _where(body)
    handoff = store.handoff_by_post(channel, message_ts)
    if handoff is None or handoff.id is None or handoff.status != HandoffStatus.RESOLVED:
        _tell_helper(ctx, client, channel, user, NOT_A_HANDOFF)
        return
    if user != handoff.resolved_by:
        _tell_helper(ctx, client, channel, user, "Only the helper who resolved it can propose.")
        return
    if handoff.correction_feedback_id is not None:
        _tell_helper(ctx, client, channel, user, "Your reply is already proposed.")
        return
    reply = find_reply(runtime, client, handoff, user, copy=(channel, message_ts))
    if reply is None:
        _tell_helper(ctx, client, channel, user, "I can't find a reply of yours to propose.")
        return
    write = FeedbackWrite(
        "submission",
        handoff.channel_id,
        handoff.message_ts,
        user,
        kind="correction",
        source="handoff",
        dedupe_key=f"handoff-correction:{handoff.id}",
        text=reply,
    )
    result = ctx.recorder.record(write)
    if result.feedback is not None and result.feedback.id is not None:
        store.set_handoff_correction(handoff.id, result.feedback.id)
        proposed = store.get_handoff(handoff.id) or handoff
        refresh_copies(runtime, client, proposed, _main_text(body))
        _tell_helper(
            ctx, client, channel, user, "Proposed: the owner can approve it in the digest."
        )
    elif result.status == "pending":
        _tell_helper(
            ctx, client, channel, user, "Kept: it is saved as soon as the database is back."
        )
    else:
        _tell_helper(ctx, client, channel, user, "It couldn't be saved; try again in a minute.")


def _asker_note(
    target: HandoffTarget, handoff: Handoff, *, created: bool, error: str | None
) -> str:
    if error is not None:
        return (
            f"I couldn't reach {target.label} just now (Slack said `{error}`). Your request is "
            "kept: press *Get help from a person* again in a minute and it is sent, once."
        )
    if not created:
        state = {
            HandoffStatus.OPEN: "nobody has taken it yet",
            HandoffStatus.CLAIMED: f"<@{handoff.claimed_by}> is on it",
            HandoffStatus.RESOLVED: f"<@{handoff.resolved_by}> resolved it",
        }.get(HandoffStatus(handoff.status), handoff.status)
        return f"Already asked {target.label} about this answer: {state}."
    return (
        f"I asked {target.label}. Someone will reply in this thread; you'll see here when a "
        "person takes it. Your question and lastmile's answer went with it."
    )


def _where(body: Body) -> tuple[str, str, str, str]:
    """(clicker, channel, message ts, thread ts) of a click."""
    return (str(body["user"]["id"]), *clicked_message(body))


def _main_text(body: Body) -> str:
    for block in (body.get("message") or {}).get("blocks") or []:
        if block.get("block_id") == "handoff_main":
            return str((block.get("text") or {}).get("text") or "")
    return "A question for a person."


def _tell_helper(
    ctx: FeedbackContext, client: WebClient, channel: str, user: str, text: str
) -> None:
    ctx.tell(client, channel=channel, user=user, thread_ts="", text=text)
