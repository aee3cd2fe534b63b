"""Clicks on an answer's controls: thumbs (feedback_buttons), "Correct it" and "Report".

The answer is found from the clicked message (container channel + ts) in our own records;
action values only say which button it was, so a tampered value cannot point elsewhere.
A thumbs click is stored (in the database, or the spool when it is down) BEFORE it is acked:
Slack never resends a click. The reason modal opens right after the ack (the trigger dies 3 s
after the click; storing takes at most the recorder's 1 s deadline), then gets filled in.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.feedback import FeedbackWrite, WriteResult, vote_from_value
from bot.feedback.recorder import DATABASE_DOWN
from handlers.feedback.context import FeedbackContext
from handlers.feedback.modals import ModalMeta, feedback_modal, not_ours_modal

Body = dict[str, Any]


def clicked_message(body: Body) -> tuple[str, str, str]:
    """(channel, message ts, thread ts) of the message the click happened on."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ts = str(container.get("message_ts") or message.get("ts") or "")
    thread = str(container.get("thread_ts") or message.get("thread_ts") or ts)
    return channel, ts, thread


def modal_failed_text(error: str, voted: bool) -> str:
    """What to say when the modal could not open (expired trigger, Slack error)."""
    first = "Your thumbs down is recorded. " if voted else ""
    return (
        f"{first}The form to add details didn't open (Slack said `{error}`). "
        "Click *Report* or *Correct it* on the answer to try again."
    )


def open_modal(
    ctx: FeedbackContext, client: WebClient, body: Body, meta: ModalMeta
) -> tuple[str, str]:
    """Open the (not yet filled in) modal for a click; returns (view_id, error)."""
    return ctx.open_view(client, str(body.get("trigger_id") or ""), feedback_modal(meta))


def fill_modal(
    ctx: FeedbackContext, client: WebClient, view_id: str, meta: ModalMeta, answer_known: bool
) -> None:
    """Show the question in the open modal, or say the message is not one of our answers."""
    if not view_id:
        return
    if not answer_known:
        ctx.update_view(client, view_id, not_ours_modal())
        return
    answer = ctx.runtime.store.answer_by_message(meta.channel, meta.ts)
    if answer is not None:
        ctx.update_view(client, view_id, feedback_modal(meta, ctx.question_of(answer)))


def on_vote(ctx: FeedbackContext, ack: Ack, body: Body, client: WebClient) -> None:
    """A thumbs click: stored, then acked; thumbs down then opens the reason modal."""
    action = (body.get("actions") or [{}])[0]
    kind = vote_from_value(str(action.get("value") or ""))
    channel, ts, thread = clicked_message(body)
    user = str(body["user"]["id"])
    if kind is None or not channel or not ts:
        ack()
        return
    write = FeedbackWrite("vote", channel, ts, user, kind, "button")
    result = ctx.recorder.record(write)  # stored or spooled on disk before Slack hears "ok"
    ack()
    where = {"channel": channel, "user": user, "thread_ts": thread}
    if result.status in ("failed", "refused"):
        ctx.tell_unsaved(client, **where, status=result.status)
        return
    view_id, error = "", ""
    if kind == "down":
        meta = ModalMeta(channel=channel, ts=ts, kind="down", thread_ts=thread)
        view_id, error = open_modal(ctx, client, body, meta)
    _after_vote(ctx, client, write, result, view_id, error, thread)


def _after_vote(
    ctx: FeedbackContext,
    client: WebClient,
    write: FeedbackWrite,
    result: WriteResult,
    view_id: str,
    error: str,
    thread: str,
) -> None:
    where = {"channel": write.channel_id, "user": write.user_id, "thread_ts": thread}
    if ctx.tell_unsaved(client, **where, status=result.status):
        return  # spooled: the modal stays usable, its details are spooled behind the vote
    if write.kind == "down":
        meta = ModalMeta(write.channel_id, write.message_ts, "down", thread_ts=thread)
        fill_modal(ctx, client, view_id, meta, result.status != "not_an_answer")
    if result.status == "not_an_answer":
        return
    if error:
        ctx.tell(client, **where, text=modal_failed_text(error, voted=True))
    ctx.after_store(client, write, result)


def on_fix_button(ctx: FeedbackContext, kind: str, ack: Ack, body: Body, client: WebClient) -> None:
    """ "Correct it" (kind correction) or "Report" (kind report): open the modal for it."""
    ack()
    channel, ts, thread = clicked_message(body)
    meta = ModalMeta(channel=channel, ts=ts, kind=kind, source="modal", thread_ts=thread)
    view_id, error = open_modal(ctx, client, body, meta)
    if error:
        user = str(body["user"]["id"])
        text = modal_failed_text(error, voted=False)
        ctx.tell(client, channel=channel, user=user, thread_ts=thread, text=text)
        return
    try:
        known = ctx.runtime.store.answer_by_message(channel, ts) is not None
    except DATABASE_DOWN:
        return  # the modal stays usable; the submission is verified when it is stored
    fill_modal(ctx, client, view_id, meta, known)
