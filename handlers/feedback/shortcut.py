"""The message shortcut "Report AI answer": the report modal on our answers, a polite no."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.feedback.recorder import DATABASE_DOWN
from handlers.feedback.buttons import modal_failed_text
from handlers.feedback.context import FeedbackContext
from handlers.feedback.modals import ModalMeta, feedback_modal, not_ours_modal

Body = dict[str, Any]


def on_report_shortcut(ctx: FeedbackContext, ack: Ack, body: Body, client: WebClient) -> None:
    """Open the report modal first, then fill it in (or say it isn't one of our answers)."""
    ack()
    channel = str((body.get("channel") or {}).get("id") or "")
    message = body.get("message") or {}
    ts = str(message.get("ts") or body.get("message_ts") or "")
    thread = str(message.get("thread_ts") or ts)
    meta = ModalMeta(channel=channel, ts=ts, kind="report", source="shortcut", thread_ts=thread)
    view_id, error = ctx.open_view(client, str(body.get("trigger_id") or ""), feedback_modal(meta))
    if error:
        text = modal_failed_text(error, voted=False)
        ctx.tell(client, channel=channel, user=str(body["user"]["id"]), thread_ts=thread, text=text)
        return
    try:
        answer = ctx.runtime.store.answer_by_message(channel, ts)
    except DATABASE_DOWN:
        return  # the modal stays usable; the submission is verified when it is stored
    if answer is None:
        ctx.update_view(client, view_id, not_ours_modal())
    else:
        ctx.update_view(client, view_id, feedback_modal(meta, ctx.question_of(answer)))
