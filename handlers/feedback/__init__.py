"""Feedback listeners: thumbs, "Correct it", "Report", their modals, reactions, the shortcut."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.vocabulary import ActionId
from handlers.feedback.buttons import on_fix_button, on_vote
from handlers.feedback.context import FeedbackContext, feedback_context
from handlers.feedback.owner_hide import on_owner_hide
from handlers.feedback.reactions import on_reaction
from handlers.feedback.shortcut import on_report_shortcut
from handlers.feedback.submit import on_closed, on_submit
from handlers.feedback.urgent_actions import register_urgent
from handlers.middleware import event_id_of, run_once

Body = dict[str, Any]
__all__ = ["FeedbackContext", "feedback_context", "register"]


def register(app: App, runtime: Runtime) -> None:
    """Register the feedback listeners; dependencies travel by closure (Bolt injects by name)."""
    ctx = feedback_context(runtime, app.client)

    @app.action(ActionId.FEEDBACK_BUTTONS)
    def on_feedback_buttons(ack: Ack, body: Body, client: WebClient) -> None:
        on_vote(ctx, ack, body, client)

    @app.action(ActionId.CORRECT_IT)
    def on_correct_it(ack: Ack, body: Body, client: WebClient) -> None:
        on_fix_button(ctx, "correction", ack, body, client)

    @app.action(ActionId.REPORT)
    def on_report(ack: Ack, body: Body, client: WebClient) -> None:
        on_fix_button(ctx, "report", ack, body, client)

    @app.action(ActionId.OWNER_HIDE)
    def on_owner_hide_icon(ack: Ack, body: Body, client: WebClient) -> None:
        on_owner_hide(ctx, ack, body, client)

    @app.view_submission(ActionId.REASON_MODAL)
    @app.view_submission(ActionId.CORRECTION_MODAL)
    def on_feedback_modal(ack: Ack, body: Body, client: WebClient) -> None:
        on_submit(ctx, ack, body, client)

    @app.view_closed(ActionId.REASON_MODAL)
    def on_reason_modal_closed(ack: Ack, body: Body) -> None:
        on_closed(ack, body)

    @app.shortcut(ActionId.REPORT_SHORTCUT)
    def on_report_answer_shortcut(ack: Ack, body: Body, client: WebClient) -> None:
        on_report_shortcut(ctx, ack, body, client)

    def reaction_once(body: Body, client: WebClient, *, added: bool) -> None:
        event = body["event"]
        run_once(runtime, event_id_of(body), lambda: on_reaction(ctx, event, client, added=added))

    @app.event("reaction_added")
    def on_reaction_added(body: Body, client: WebClient) -> None:
        reaction_once(body, client, added=True)

    @app.event("reaction_removed")
    def on_reaction_removed(body: Body, client: WebClient) -> None:
        reaction_once(body, client, added=False)

    register_urgent(app, runtime)  # the urgent ping's Open / Hide buttons (urgent_actions.py)
