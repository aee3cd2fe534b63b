""" "Get help from a person": the asker's button on each answer and the helpers' buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.vocabulary import ActionId
from handlers.feedback.context import FeedbackContext, feedback_context
from handlers.handoff.actions import on_claim, on_handoff, on_propose, on_resolve

Body = dict[str, Any]
__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register the hand-off's buttons; each click is acked before the work."""
    ctx = feedback_context(runtime, app.client)
    buttons: dict[str, Callable[[FeedbackContext, Body, WebClient], None]] = {
        ActionId.HANDOFF: on_handoff,
        ActionId.HANDOFF_CLAIM: on_claim,
        ActionId.HANDOFF_RESOLVE: on_resolve,
        ActionId.HANDOFF_PROPOSE: on_propose,
    }
    for action_id, handle in buttons.items():
        app.action(action_id)(_acked(ctx, handle))


def _acked(
    ctx: FeedbackContext, handle: Callable[[FeedbackContext, Body, WebClient], None]
) -> Callable[[Ack, Body, WebClient], None]:
    """A Bolt listener (arguments injected by name) that acks, then handles the click."""

    def listener(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        handle(ctx, body, client)

    return listener
