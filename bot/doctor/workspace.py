"""The workspace checks: which Slack messaging experience the installed app uses, and the
workspace file (greeting, prompts, help channels).

Slack gives a bot token no way to read its own app's manifest, but an app still on the older
assistant pane (`assistant_view`) receives `assistant_thread_started` events, and lastmile keeps
every event's kind for 7 days: one seen means the app was never moved to agent_view.
"""

from __future__ import annotations

from datetime import datetime

from bot.doctor.report import Check, fail, ok, warn
from bot.settings import Settings
from bot.workspace import WorkspaceFileError, default_workspace_config, load_workspace_file

MIGRATE_FIX = (
    "Move the app to Slack's agent messaging experience: in api.slack.com/apps -> your app -> "
    "App Manifest, replace `assistant_view` with deploy/slack-manifest.yaml's `agent_view` and "
    "its events, then reinstall (docs/slack-setup.md, 'Moving from the assistant pane')."
)


def check_messaging_experience(assistant_pane_seen: datetime | None) -> Check:
    """Warn when Slack still sends assistant-pane events: Slack will deprecate that pane."""
    if assistant_pane_seen is None:
        return ok("slack app", "no assistant-pane (assistant_view) events in the last 7 days")
    when = assistant_pane_seen.strftime("%d %b %Y %H:%M UTC")
    detail = f"the installed app still uses the assistant pane (assistant_view): seen {when}"
    return warn("slack app", detail, MIGRATE_FIX)


def check_workspace_file(settings: Settings) -> Check:
    """The workspace file (or the packaged defaults): greeting, prompts, help channels."""
    try:
        path = settings.workspace_file
        config = load_workspace_file(path) if path else default_workspace_config()
    except WorkspaceFileError as error:
        fix = "Fix LASTMILE_WORKSPACE_FILE (docs/slack-setup.md, 'The workspace file')."
        return fail("workspace", "; ".join(error.problems), fix)
    helping = sorted(c.channel_id for c in config.channels.values() if c.answer_without_mention)
    quiet = sorted(c.channel_id for c in config.channels.values() if not c.feedback)
    parts = [
        config.source,
        f"{len(config.agent.prompts)} suggested prompt(s)",
        f"{len(config.teams)} workspace override(s)",
        f"help channels: {', '.join(helping) or 'none'}",
    ]
    if quiet:
        parts.append(f"feedback controls off in {', '.join(quiet)}")
    return ok("workspace", "; ".join(parts))
