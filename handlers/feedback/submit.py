"""Modal submissions: validate (errors shown in the modal), store, THEN ack.

private_metadata names the answer's message (channel + ts); the recorder looks the answer up in
our own records before storing anything. The view id keys the row, so a resubmitted or
redelivered view stores once. Everything the database would refuse (a value longer than its
column, a reason not in our list) is refused here, as `response_action: errors` on the field,
before the ack: after it, the modal is closed and the person could not be told.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.feedback import FeedbackWrite, ModalInput, validate
from bot.feedback.writes import write_problem
from handlers.feedback.context import FeedbackContext
from handlers.feedback.modals import CORRECTION_BLOCK, REASON_BLOCK, ModalMeta, read_input

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
        reason=None if meta.kind == "correction" else entry.reason,  # that modal asks none
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


UNSAVED = (
    "We couldn't save this just now (our database is restarting). Please press Send again "
    "in a minute; nothing you typed is lost while this form stays open."
)


def first_field(meta: ModalMeta) -> str:
    """The block a form-wide error is shown on: the first input of this modal."""
    return CORRECTION_BLOCK if meta.kind == "correction" else REASON_BLOCK


def on_submit(ctx: FeedbackContext, ack: Ack, body: Body, client: WebClient) -> None:
    """A feedback modal was submitted: checked, stored (or spooled), then acknowledged."""
    view = body["view"]
    meta = ModalMeta.load(str(view.get("private_metadata") or ""))
    if meta is None or meta.kind not in ("down", "report", "correction"):
        ack()
        log.warning("feedback modal without our metadata ignored")
        return
    entry = read_input(view.get("state", {}).get("values", {}))
    errors = validate(meta.kind, entry)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    user = str(body["user"]["id"])
    writes = writes_for(meta, entry, user, str(view["id"]))
    problems = [problem for write in writes if (problem := write_problem(write)) is not None]
    if problems:
        log.warning("feedback modal refused: %s", problems[0])
        text = f"This can't be saved ({problems[0]}). Close the form and try again."
        ack(response_action="errors", errors={first_field(meta): text})
        return
    results = [ctx.recorder.record(write) for write in writes]
    if any(result.status == "failed" for result in results):
        ack(response_action="errors", errors={first_field(meta): UNSAVED})
        return  # the form stays open; a second Send stores once (same view, same keys)
    ack()
    where = {"channel": meta.channel, "user": user, "thread_ts": meta.thread_ts}
    for write, result in zip(writes, results, strict=True):
        if ctx.tell_unsaved(client, **where, status=result.status):
            return
        if result.status == "not_an_answer":
            log.warning("feedback modal for a message that is not our answer ignored")
            return
        ctx.after_store(client, write, result)


def on_closed(ack: Ack, body: Body) -> None:
    """The thumbs-down modal was dismissed: the vote already counts, nothing else to store."""
    ack()
