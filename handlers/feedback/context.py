"""What every feedback listener shares: the recorder, Slack calls that never raise, follow-ups."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.feedback import FeedbackRecorder, FeedbackWrite, WriteResult
from bot.feedback.notify import confirmation
from bot.feedback.spool import Spool, default_spool_dir
from bot.feedback.traced import feedback_tracer
from bot.feedback.urgent import flush_owner, queue_urgent_report
from bot.owners import route_owner
from bot.runtime import Runtime
from handlers.feedback.urgent_ping import SlackUrgentSender
from storage.models import Answer

log = logging.getLogger(__name__)
RECORDER_KEY = "feedback.recorder"
AUTO_DRAIN_KEY = "feedback.auto_drain"
QUEUED = (
    "We couldn't save your feedback just now (our database is restarting). "
    "It is kept and will be saved automatically in a moment; no need to click again."
)
NOT_SAVED = (
    "Sorry, your feedback could not be saved just now (our database is restarting and the "
    "fallback store is unavailable). Please try again in a few minutes."
)
REFUSED = "Sorry, this feedback can't be saved: the request was not one lastmile can store."


@dataclass
class FeedbackContext:
    """The runtime plus the recorder and a Slack client for follow-ups outside a request."""

    runtime: Runtime
    recorder: FeedbackRecorder
    client: WebClient

    def tell(
        self, client: WebClient, *, channel: str, user: str, thread_ts: str, text: str
    ) -> None:
        """An ephemeral note in the thread; a Slack failure is logged, never raised."""
        try:
            client.chat_postEphemeral(
                channel=channel, user=user, text=text, thread_ts=thread_ts or None
            )
        except SlackApiError as err:
            log.warning("ephemeral to %s failed: %s", user, err.response.get("error"))

    def open_view(self, client: WebClient, trigger_id: str, view: View) -> tuple[str, str]:
        """views.open; returns (view_id, "") or ("", Slack's error code)."""
        try:
            response = client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as err:
            return "", str(err.response.get("error") or "slack_error")
        return str(response["view"]["id"]), ""

    def update_view(self, client: WebClient, view_id: str, view: View) -> None:
        """views.update, best effort (the modal is already usable without it)."""
        try:
            client.views_update(view_id=view_id, view=view)
        except SlackApiError as err:
            log.warning("views.update failed: %s", err.response.get("error"))

    def question_of(self, answer: Answer) -> str:
        """The question text behind an answer ("" if it is gone)."""
        question = self.runtime.store.get_question(answer.question_id)
        return question.text if question is not None else ""

    def confirm(self, client: WebClient, *, user: str, kind: str, answer: Answer) -> None:
        """Tell the person it is logged, who reviews it and when."""
        owner = route_owner(self.runtime.store, answer.channel_id, self.question_of(answer))
        text = confirmation(kind, owner, self.runtime.settings.digest_schedule)
        thread = answer.thread_ts or answer.message_ts or ""
        self.tell(client, channel=answer.channel_id, user=user, thread_ts=thread, text=text)

    def maybe_ping(self, client: WebClient, answer: Answer, reason: str | None) -> None:
        """After a report: queue it when urgent, and send the owner's pending pings if due."""
        settings, store = self.runtime.settings, self.runtime.store
        queued = queue_urgent_report(
            store,
            answer=answer,
            question=self.question_of(answer),
            reason=reason,
            threshold=settings.urgent_report_threshold,
        )
        if queued is None:
            return
        flush_owner(
            store,
            queued.owner_id,
            interval_s=settings.urgent_ping_interval_s,
            admins=settings.admins,
            send=SlackUrgentSender(client),
        )

    def tell_unsaved(
        self, client: WebClient, *, channel: str, user: str, thread_ts: str, status: str
    ) -> bool:
        """Tell the person a write is spooled, or could not be kept; False when it is stored."""
        text = {"pending": QUEUED, "failed": NOT_SAVED, "refused": REFUSED}.get(status)
        if text is None:
            return False
        self.tell(client, channel=channel, user=user, thread_ts=thread_ts, text=text)
        return True

    def after_store(self, client: WebClient, write: FeedbackWrite, result: WriteResult) -> None:
        """Follow-ups once a write is stored: confirmation, and urgent pings for reports."""
        self.recorder.announce(result)  # a fixed theme it reopened: tell the owner
        answer = result.answer
        if answer is None or result.status != "stored" or write.op not in ("vote", "submission"):
            return
        if write.kind == "up":
            return  # the pressed button (or the reaction) is its own confirmation
        if write.kind == "report":
            self.maybe_ping(client, answer, write.reason)
        self.confirm(client, user=write.user_id, kind=write.kind, answer=answer)


def feedback_context(runtime: Runtime, client: WebClient) -> FeedbackContext:
    """The runtime's FeedbackContext, created on first use (one recorder per runtime)."""
    existing = runtime.extras.get(RECORDER_KEY)
    if isinstance(existing, FeedbackContext):
        return existing
    auto_drain = bool(runtime.extras.get(AUTO_DRAIN_KEY, True))
    directory = runtime.settings.spool_dir or default_spool_dir(runtime.store.engine.url)
    recorder = FeedbackRecorder(
        runtime.store, Spool(directory), auto_drain=auto_drain,
        on_stored=feedback_tracer(runtime.traces) if runtime.traces.enabled else None,
    )  # fmt: skip
    context = FeedbackContext(runtime, recorder, client)
    recorder.on_late_store = lambda write, result: context.after_store(client, write, result)
    runtime.extras[RECORDER_KEY] = context
    return context
