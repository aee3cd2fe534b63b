"""The event mix at a fixed open-loop rate: questions, and feedback on answers already posted.

~70% questions with unique text (half @mentions in channels, half DMs), ~30% feedback: a
thumbs-down reaction (an event, retried by Slack) or a thumbs click on the answer's
feedback_buttons (interactivity, never retried). Feedback goes to answers finished at least
`feedback_after_s` earlier; each comes from a user of its own, so it maps to exactly one
feedback row. Before any answer exists, a feedback slot sends a question instead.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.vocabulary import ActionId
from tests.fakes import payloads
from tests.fakes.slack_api import FakeSlackApi

from .answers import Reply, ReplyLog
from .sender import Delivery, SlackLikeSender, click_delivery, event_delivery

TOPICS = (
    "How many vacation days do I get",
    "How do I set up the VPN client",
    "Can I expense a taxi ride",
)
CHANNELS = tuple(f"C0SOAK{n:03d}" for n in range(8))


@dataclass(frozen=True)
class Question:
    """What the harness asked: where, which thread, and its event id."""

    event_id: str
    channel: str
    ts: str
    user: str
    via: str  # mention / dm


class Traffic:
    """Builds deliveries; remembers questions and the answers available for feedback."""

    def __init__(self, slack: FakeSlackApi, config_seed: int, feedback_after_s: float) -> None:
        self.slack = slack
        self.rng = random.Random(config_seed + 2)
        self.feedback_after_s = feedback_after_s
        self.log = ReplyLog()
        self.questions: dict[str, Question] = {}
        self._answers: list[Reply] = []
        self._lock = threading.Lock()
        self._n = 0

    def refresh(self) -> None:
        """Read the fake Slack's new calls (finished answers become feedback targets)."""
        with self._lock:
            self._answers += self.log.feed(self.slack.calls)

    def next_delivery(self, feedback_share: float) -> Delivery:
        """The next delivery of the mix."""
        self._n += 1
        if self.rng.random() < feedback_share:
            target = self._target()
            if target is not None:
                return self._feedback(target)
        return self._question()

    def _target(self) -> Reply | None:
        self.refresh()
        cutoff = time.monotonic() - self.feedback_after_s
        with self._lock:
            ready = [a for a in self._answers if (a.finished_at or 0) <= cutoff]
        return self.rng.choice(ready) if ready else None

    def _question(self) -> Delivery:
        n = self._n
        event_id = f"EvSOAKQ{n:06d}"
        text = f"{TOPICS[n % len(TOPICS)]}? (soak question {n}, {self.rng.getrandbits(32):08x})"
        if self.rng.random() < 0.5:
            channel, user, via = self.rng.choice(CHANNELS), f"U0S{n:06d}", "mention"
            ts = self.slack.seed_message(channel, f"<@UBOT> {text}", user)
            body = payloads.app_mention(
                f"<@UBOT> {text}", user=user, channel=channel, ts=ts, event_id=event_id
            )
        else:
            user, via = f"U0S{n:06d}", "dm"
            channel = f"D0S{n:06d}"
            ts = self.slack.seed_message(channel, text, user)
            body = payloads.dm(text, user=user, channel=channel, ts=ts, event_id=event_id)
        self.questions[event_id] = Question(event_id, channel, ts, user, via)
        return event_delivery(event_id, "question", body, {"channel": channel, "ts": ts})

    def _feedback(self, answer: Reply) -> Delivery:
        n = self._n
        user = f"W0F{n:06d}"
        meta = {"channel": answer.channel, "ts": answer.ts, "user": user}
        if self.rng.random() < 0.5:
            event_id = f"EvSOAKR{n:06d}"
            body = payloads.reaction_added(
                "-1", item_ts=answer.ts, user=user, item_channel=answer.channel, event_id=event_id
            )
            return event_delivery(event_id, "reaction", body, meta | {"kind": "down"})
        value = self.rng.choice(("up", "down"))
        payload = payloads.block_action(
            ActionId.FEEDBACK_BUTTONS,
            value,
            user=user,
            channel=answer.channel,
            message_ts=answer.ts,
            thread_ts=answer.thread_ts,
            action_type="feedback_buttons",
        )
        return click_delivery(f"click:{n:06d}", payload, meta | {"kind": value})


def send_open_loop(
    sender: SlackLikeSender,
    make: Callable[[], Delivery],
    rate: float,
    seconds: float,
    stop: threading.Event,
) -> int:
    """Send `rate`/s for `seconds` on a fixed schedule (late sends are not skipped); the count."""
    start = time.monotonic()
    total = int(rate * seconds)
    for i in range(total):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0 and stop.wait(delay):
            return i
        sender.send(make())
    return total
