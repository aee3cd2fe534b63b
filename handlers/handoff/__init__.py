""" "Get help from a person": the asker's button on each answer and the helpers' buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.vocabulary import ActionId
from handlers.feedback.context import feedback_context
from handlers.handoff.actions import on_claim, on_handoff, on_propose, on_resolve

Body = dict[str, Any]
__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register the hand-off's buttons; each click is acked before the work."""
    ctx = feedback_context(runtime, app.client)

    @app.action(ActionId.HANDOFF)
    def on_get_help(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        on_handoff(ctx, body, client)

    @app.action(ActionId.HANDOFF_CLAIM)
    def on_take_it(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        on_claim(ctx, body, client)

    @app.action(ActionId.HANDOFF_RESOLVE)
    def on_resolved(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        on_resolve(ctx, body, client)

    @app.action(ActionId.HANDOFF_PROPOSE)
    def on_propose_reply(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        on_propose(ctx, body, client)
