"""`SlackAnswerSink`: the Slack side of `bot.asking.AnswerSink` (stream, then footer + controls)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slack_sdk import WebClient

from bot.answering import AnswerOutcome
from bot.answering.steps import AnswerStep
from bot.mrkdwn import escape
from handlers.ask.message import final_blocks, footer_blocks
from handlers.streaming import StreamingReply


class SlackAnswerSink:
    """Streams an answer into one thread and finishes it with sources, confidence and controls."""

    def __init__(
        self,
        client: WebClient,
        *,
        channel: str,
        thread_ts: str,
        recipient_team_id: str | None,
        recipient_user_id: str | None,
        clock: Callable[[], float],
        feedback: bool = True,
        owner_people: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self.client = client
        self.feedback = feedback  # the channel's workspace rule: show the feedback controls
        self.owner_people = owner_people  # who sees the owner-only controls (asked at the end)
        self.channel = channel
        self.thread_ts = thread_ts
        self._on_reply: Callable[[str], None] | None = None
        self.reply = StreamingReply(
            client,
            channel=channel,
            thread_ts=thread_ts,
            recipient_team_id=recipient_team_id,
            recipient_user_id=recipient_user_id,
            clock=clock,
            on_ts=self._reply_exists,
        )

    def on_reply(self, record: Callable[[str], None]) -> None:
        """Call `record(ts)` as soon as the reply message exists (before more is streamed)."""
        self._on_reply = record

    def resume_at(self, ts: str) -> None:
        """Replace the reply an earlier attempt started at `ts` instead of posting another."""
        self.reply.resume_at(ts)

    def abort(self, notice: str) -> None:
        """End a started reply with `notice` (nothing started: nothing to do)."""
        self.reply.abort(notice)

    def _reply_exists(self, ts: str) -> None:
        if self._on_reply is not None:
            self._on_reply(ts)

    def append(self, chunk: str) -> None:
        """Show one more chunk (escaped by the streaming reply)."""
        self.reply.append(chunk)

    def step(self, step: AnswerStep) -> None:
        """Show a thinking step as a task card (held and batched by the streaming reply)."""
        self.reply.step(step)

    def finish(self, answer_id: int, outcome: AnswerOutcome) -> str | None:
        """Attach the footer (stopStream blocks, or the final chat.update); returns the ts."""
        people = self.owner_people() if self.feedback and outcome.error is None else ()
        return self.reply.finish(
            stream_blocks=footer_blocks(
                answer_id, outcome, feedback=self.feedback, owner_people=people
            ),
            full_blocks=final_blocks(
                answer_id, outcome, feedback=self.feedback, owner_people=people
            ),
        )

    def reject(self, message: str) -> None:
        """Say in the thread why the question was not sent to the AI."""
        self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, text=escape(message)
        )
