"""Modal submissions: validate (errors shown in the modal), then store one row per submission.

private_metadata names the answer's message (channel + ts); the recorder looks the answer up in
our own records before storing anything. The view id keys the row, so a resubmitted or
redelivered view stores once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.feedback import FeedbackWrite, ModalInput, validate
from handlers.feedback.context import QUEUED, FeedbackContext
from handlers.feedback.modals import ModalMeta, read_input

log = logging.getLogger(__name__)
Body = dict[str, Any]


def writes_for(meta: ModalMeta, entry: ModalInput, user: str, view_id: str) -> list[FeedbackWrite]:
    """The writes one submitted modal makes (a thumbs down's details, a report, a correction)."""
    where = (meta.channel, meta.ts, user)
    link = entry.link or None
    correction = FeedbackWrite(
        "submission",
        *where,
        kind="correction",
        source=meta.source,
        dedupe_key=f"correction:{view_id}",
        reason=entry.reason,
        text=entry.correction,
        source_link=link,
    )
    if meta.kind == "correction":
        return [correction]
    if meta.kind == "report":
        report = FeedbackWrite(
            "submission",
            *where,
            kind="report",
            source=meta.source,
            dedupe_key=f"report:{view_id}",
            reason=entry.reason,
            text=entry.correction or None,
            source_link=link,
        )
        return [report]
    details = FeedbackWrite(
        "annotate", *where, "down", "modal", reason=entry.reason, source_link=link
    )
    return [details, correction] if entry.correction else [details]


def on_submit(ctx: FeedbackContext, ack: Ack, body: Body, client: WebClient) -> None:
    """A feedback modal was submitted."""
    view = body["view"]
    meta = ModalMeta.load(str(view.get("private_metadata") or ""))
    if meta is None:
        ack()
        log.warning("feedback modal without our metadata ignored")
        return
    entry = read_input(view.get("state", {}).get("values", {}))
    errors = validate(meta.kind, entry)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user = str(body["user"]["id"])
    for write in writes_for(meta, entry, user, str(view["id"])):
        result = ctx.recorder.record(write)
        if result.status == "pending":
            where = {"channel": meta.channel, "user": user, "thread_ts": meta.thread_ts}
            ctx.tell(client, **where, text=QUEUED)
            return
        if result.status == "not_an_answer":
            log.warning("feedback modal for a message that is not our answer ignored")
            return
        ctx.after_store(client, write, result)


def on_closed(ack: Ack, body: Body) -> None:
    """The thumbs-down modal was dismissed: the vote already counts, nothing else to store."""
    ack()
