"""The demo's Slack world: the real app over signed HTTP, talking to the fake Web API.

`DemoWorld` starts the fake Slack, builds the real Bolt app (handlers/) on the demo's Runtime,
serves it on a local port, and lets simulated people ask and click as Slack would deliver it.
Clicks are handled synchronously (`build_app(synchronous=True)`): each request returns once
its listener is done, so the simulated clock only moves when the app is idle.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from bot.demo.fake_methods import BOT_USER_ID
from bot.demo.fake_slack import FakeSlack
from bot.demo.people import CHANNEL, Employee, Reaction
from bot.demo.sender import SlackSender, click, prefilled, submit, user
from bot.runtime import Runtime
from bot.scheduler import Send
from bot.vocabulary import ActionId, AnswerBlock, ModalBlock

Json = dict[str, Any]
SIGNING_SECRET = "demo-signing-secret"
_ANSWER_ID = re.compile("^(?:" + "|".join(AnswerBlock) + r")(\d+)$")


@dataclass(frozen=True)
class Answered:
    """An answer as the asker saw it in Slack."""

    answer_id: int
    text: str
    message: Json


def answer_id_of(blocks: list[Json]) -> int | None:
    """Our answer id, from the block ids of the answer's footer."""
    for block in blocks:
        match = _ANSWER_ID.match(str(block.get("block_id") or ""))
        if match:
            return int(match.group(1))
    return None


class DemoWorld:
    """Fake Slack + the real app on HTTP + a signed sender, for one demo run."""

    def __init__(self, runtime: Runtime, slack: FakeSlack, send_digest: Send) -> None:
        # The composition root imports slack_bolt: only when the demo runs.
        from bot.composition import assemble
        from bot.composition.transports import bind_http
        from handlers.server import EVENTS_PATH

        self.runtime = runtime
        self.slack = slack  # started; its api_url is the runtime's SLACK_API_URL
        # The same app and background services as `lastmile serve`, ticked by the demo's clock.
        self.bot = assemble(runtime, synchronous=True, send_digest=send_digest)
        self.app = self.bot.app
        self.server = bind_http(self.bot, host="127.0.0.1", port=0).start()
        self.sender = SlackSender(self.server.url + EVENTS_PATH, SIGNING_SECRET)
        self._ts = itertools.count(1)

    def tick(self, service: str) -> None:
        """Run one pass of a background service (the digest scheduler, the knowledge watcher)."""
        self.bot.services.get(service).tick_now()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the app's server and the fake Slack."""
        self.server.stop()
        self.slack.stop()

    def ask(self, who: Employee, text: str) -> Answered:
        """@mention the bot in the ask channel and wait for the finished answer in the thread."""
        ts = f"{int(self.runtime.clock().timestamp())}.{next(self._ts):06d}"
        event = {
            "type": "app_mention",
            "user": who.user_id,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts,
            "channel": CHANNEL,
        }
        status = self.sender.event(event)
        if status != 200:
            raise RuntimeError(f"the app answered HTTP {status} to a mention")
        message: Json = self.slack.wait_until(lambda: self._final_reply(ts))
        answer_id = answer_id_of(message.get("blocks") or [])
        if answer_id is None:
            raise RuntimeError("the answer message carries no answer id")
        return Answered(answer_id, str(message.get("text") or ""), message)

    def _final_reply(self, thread_ts: str) -> Json | None:
        for (channel, _), message in list(self.slack.workspace.messages.items()):
            if channel == CHANNEL and message.get("thread_ts") == thread_ts:
                if message.get("blocks") and not message.get("streaming"):
                    return message
        return None

    def react(self, who: Employee, answered: Answered, reaction: Reaction) -> None:
        """Click what the person clicks under the answer, and fill in the modal if any."""
        person = user(who.user_id, who.name)
        block = AnswerBlock.VOTE.of(answered.answer_id)
        if reaction.kind in ("up", "down"):
            action = {
                "action_id": ActionId.FEEDBACK_BUTTONS,
                "block_id": block,
                "type": "feedback_buttons",
            }
            trigger = self._click(person, answered, action | {"value": reaction.kind})
            if reaction.kind == "down" and reaction.reason:
                self._submit(person, trigger, _reason(reaction.reason))
        elif reaction.kind in ("correction", "report"):
            action_id = ActionId.CORRECT_IT if reaction.kind == "correction" else ActionId.REPORT
            block = AnswerBlock.FIX.of(answered.answer_id)
            action = {"action_id": action_id, "block_id": block, "type": "button"}
            trigger = self._click(person, answered, action | {"value": reaction.kind})
            values = _correction(reaction.correction, reaction.link)
            if reaction.kind == "report":
                values |= _reason(reaction.reason or "other")
            self._submit(person, trigger, values)

    def _click(self, person: Json, answered: Answered, action: Json) -> str:
        return self.press(person, CHANNEL, answered.message, action)

    def _submit(self, person: Json, view_id: str, values: dict[str, Json]) -> None:
        view = self.slack.workspace.views.get(view_id)
        if view is not None:
            submit(self.sender, person, view, values)

    def press(self, clicker: Json, channel: str, message: Json, action: Json) -> str:
        """A person clicks a button on a bot message; the id of the modal it opened, if any."""
        before = len(self.slack.calls)
        click(self.sender, clicker, channel=channel, message=message, action=action)
        opened = [c for c in self.slack.calls[before:] if c.method == "views.open"]
        return str(opened[-1].response["view"]["id"]) if opened else ""

    def submit_as_prefilled(self, clicker: Json, view_id: str) -> None:
        """Submit a modal the app opened, keeping what it was prefilled with."""
        view = self.slack.workspace.views.get(view_id)
        if view is not None:
            self._submit(clicker, view_id, prefilled(view))

    def submit_prefilled_with(self, clicker: Json, view_id: str, answer: str) -> None:
        """Submit a modal as prefilled, with `answer` typed into its answer box."""
        view = self.slack.workspace.views.get(view_id)
        if view is not None:
            values = prefilled(view)
            values[ModalBlock.ANSWER] = {
                ModalBlock.ANSWER: {"type": "plain_text_input", "value": answer}
            }
            self._submit(clicker, view_id, values)

    def ephemeral_with(self, user_id: str, action_id: str) -> tuple[Json, Json] | None:
        """The newest ephemeral to `user_id` with a button `action_id`, as (message, button)."""
        for call in reversed(self.slack.calls_to("chat.postEphemeral")):
            if call.params.get("user") != user_id:
                continue
            message = {"ts": call.response["message_ts"], "blocks": call.params.get("blocks")}
            for block in call.params.get("blocks") or []:
                for element in block.get("elements") or []:
                    if element.get("action_id") == action_id:
                        return message, element | {"block_id": block.get("block_id")}
        return None


def _reason(reason: str) -> dict[str, Json]:
    option = {"value": reason, "text": {"type": "plain_text", "text": reason}}
    return {"reason": {"reason": {"type": "radio_buttons", "selected_option": option}}}


def _correction(text: str, link: str) -> dict[str, Json]:
    values: dict[str, Json] = {}
    if text:
        values["correction"] = {"correction": {"type": "plain_text_input", "value": text}}
    if link:
        values["link"] = {"link": {"type": "plain_text_input", "value": link}}
    return values
