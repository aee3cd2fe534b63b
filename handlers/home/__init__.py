"""The App Home: published when a person opens the Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.feedback.home import home_data
from bot.runtime import Runtime
from handlers.digest.verified_actions import verified_section
from handlers.home.messages_tab import open_messages_tab
from handlers.home.view import home_view
from handlers.middleware import event_id_of, run_once

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    """Register this package's listeners on `app`."""

    @app.event("app_home_opened")
    def on_app_home_opened(body: dict[str, Any], client: WebClient) -> None:
        if body["event"].get("tab") == "messages":
            run_once(runtime, event_id_of(body), lambda: open_messages_tab(runtime, body, client))
            return
        run_once(runtime, event_id_of(body), lambda: publish_home(runtime, body["event"], client))


def publish_home(runtime: Runtime, event: dict[str, Any], client: WebClient) -> None:
    """Publish the Home tab for the person who opened it."""
    if event.get("tab") == "home":
        user = str(event["user"])
        settings = runtime.settings
        data = home_data(
            runtime.store,
            user,
            timezone=settings.timezone,
            digest_schedule=settings.digest_schedule,
        )
        try:
            verified = verified_section(runtime, user)  # owners only: Edit / Retire each
            disclaimer = runtime.workspace.agent.disclaimer
            client.views_publish(user_id=user, view=home_view(data, verified, disclaimer))
        except SlackApiError as err:
            log.warning("views.publish failed: %s", err.response.get("error"))
