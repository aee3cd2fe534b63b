"""Helpers for feedback tests: answers to click on, a running app, and reading feedback back.

with feedback_app(store, clock) as kit:
    answer = kit.answer("How many leave days?", "25 days.")
    kit.click_vote(answer, "down")
    kit.wait(1)  # one write reached the database
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.feedback import FeedbackRecorder
from storage import Store
from storage.models import Answer

from . import payloads
from .signing import SlackReply
from .slack_api import WAIT_S
from .slack_app import AppHarness, running_app

CHANNEL = "C111"
THREAD = "1699999999.000100"


@dataclass
class FeedbackKit:
    """The running app plus shortcuts to make answers and send feedback as Slack would."""

    harness: AppHarness
    store: Store
    recorder: FeedbackRecorder
    _seq: int = 0

    def answer(self, question: str = "How many leave days?", text: str = "25 days.") -> Answer:
        """A stored question + answer, posted (as far as our records go) in a thread."""
        self._seq += 1
        ts = f"1700001000.{self._seq:06d}"
        q = self.store.add_question(
            text=question, user_id="U999", channel_id=CHANNEL, thread_ts=THREAD, message_ts=THREAD
        )
        assert q.id is not None
        return self.store.add_answer(
            question_id=q.id,
            text=text,
            provider="offline",
            model="offline-1",
            prompt_version="p1",
            channel_id=CHANNEL,
            message_ts=ts,
            thread_ts=THREAD,
        )

    def click(
        self,
        answer: Answer,
        action_id: str,
        value: str,
        *,
        user: str = "U222",
        action_type: str = "button",
        trigger_id: str | None = None,
    ) -> SlackReply:
        """A signed block_actions click on the answer's message."""
        body = payloads.block_action(
            action_id,
            value,
            user=user,
            channel=answer.channel_id,
            message_ts=answer.message_ts,
            thread_ts=answer.thread_ts,
            action_type=action_type,
            trigger_id=trigger_id,
        )
        return self.harness.sender.send_interactive(body)

    def click_vote(self, answer: Answer, value: str, **kwargs: Any) -> SlackReply:
        """A feedback_buttons click (`up` / `down`, or any tampered value)."""
        from bot.vocabulary import ActionId

        return self.click(
            answer, ActionId.FEEDBACK_BUTTONS, value, action_type="feedback_buttons", **kwargs
        )

    def submit(
        self,
        callback_id: str,
        view_id: str,
        private_metadata: str,
        values: dict[str, dict[str, Any]],
        user: str = "U222",
    ) -> SlackReply:
        """A signed view_submission of one of our modals."""
        body = payloads.view_submission(
            callback_id, values, private_metadata=private_metadata, user=user, view_id=view_id
        )
        return self.harness.sender.send_interactive(body)

    def wait(self, count: int) -> None:
        """Block until `count` feedback writes in total reached the database."""
        assert self.recorder.wait_applied(count, timeout=WAIT_S), (
            f"expected {count} writes, got {self.recorder.applied}"
        )


def modal_values(reason: str | None = None, correction: str = "", link: str = "") -> dict[str, Any]:
    """view.state.values as Slack sends them for our reason/correction/link inputs."""
    option = {"value": reason, "text": {"type": "plain_text", "text": reason}} if reason else None
    return {
        "reason": {"reason": {"type": "radio_buttons", "selected_option": option}},
        "correction": {"correction": {"type": "plain_text_input", "value": correction or None}},
        "link": {"link": {"type": "plain_text_input", "value": link or None}},
    }


@contextmanager
def feedback_app(store: Store, clock: Callable[[], datetime]) -> Iterator[FeedbackKit]:
    """The real app on fake Slack, with the feedback recorder's background drainer off."""
    from handlers.feedback import feedback_context

    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase([]), clock=clock
    ) as harness:
        recorder = feedback_context(harness.runtime, harness.app.client).recorder
        recorder.auto_drain = False  # tests drain explicitly with flush_pending()
        yield FeedbackKit(harness, store, recorder)
