"""`/lastmile owners ...`: admins list and edit owners from Slack.

/lastmile owners list
/lastmile owners add "People team" U0OWNER1 channels=C1,C2 topics=vacation,payroll
/lastmile owners remove "People team"
/lastmile owners default "AI platform"
"""

from __future__ import annotations

import shlex
from typing import Any

from slack_bolt import Ack, App

from bot.mrkdwn import escape
from bot.owners import OwnerSpec
from bot.owners.ids import command_owner_problems
from bot.runtime import Runtime
from bot.vocabulary import ActionId
from storage import Store

USAGE = (
    "Usage: `/lastmile owners list` · `/lastmile owners add <name> <slack-id> "
    "[channels=C1,C2] [topics=a,b]` · `/lastmile owners remove <name>` · "
    "`/lastmile owners default <name>` (quote names with spaces)."
)


HELP = (
    "*lastmile*\n"
    "• Ask a question: mention me, DM me, open the assistant pane, or `/ask <question>`.\n"
    "• Flag an answer with its buttons (👍 👎 *Correct it*, *Report*) or a 👎 reaction.\n"
    "• Your flagged answers and their status are in my *Home* tab.\n"
    "• Admins: `/lastmile owners list|add|remove|default` manages who reviews failures.\n" + USAGE
)


def is_owners_command(body: dict[str, Any]) -> bool:
    """Matcher: this listener takes only `/lastmile owners ...`."""
    return str(body.get("text") or "").strip().split(" ", 1)[0].lower() == "owners"


def run_owners_command(store: Store, text: str) -> str:
    """Execute one owners sub-command (already authorised) and return the reply text."""
    try:
        words = shlex.split(text)[1:]
    except ValueError:
        return USAGE
    action, args = (words[0].lower(), words[1:]) if words else ("list", [])
    if action == "list":
        return _list(store)
    if action == "add" and len(args) >= 2:
        return _add(store, args)
    if action == "remove" and len(args) == 1:
        found = store.remove_owner(args[0])
        return f"Removed *{escape(args[0])}*." if found else f"No owner named *{escape(args[0])}*."
    if action == "default" and len(args) == 1:
        found = store.set_default_owner(args[0])
        named = escape(args[0])
        return f"*{named}* is now the default owner." if found else f"No owner named *{named}*."
    return USAGE


def _list(store: Store) -> str:
    owners = store.list_owners()
    if not owners:
        return "No owners yet. Add one with `/lastmile owners add <name> <slack-id>`."
    lines = []
    for owner in owners:
        scope = ", ".join([*(f"<#{c}>" for c in owner.channels), *map(escape, owner.topics)])
        default = " (default)" if owner.is_default else ""
        lines.append(f"• *{escape(owner.name)}*{default} → `{owner.slack_id}`: {scope or '—'}")
    return "\n".join(lines)


def _add(store: Store, args: list[str]) -> str:
    name, slack_id, options = args[0], args[1], args[2:]
    lists: dict[str, tuple[str, ...]] = {"channels": (), "topics": ()}
    for option in options:
        key, _, value = option.partition("=")
        if key not in lists:
            return USAGE
        lists[key] = tuple(item.strip() for item in value.split(",") if item.strip())
    others = [o for o in store.list_owners() if o.name != name]
    problems = command_owner_problems(slack_id, lists["channels"], others)
    if problems:  # the same rules as the owners file: nothing silently useless is stored
        return "\n".join(f"• {escape(problem)}" for problem in problems)
    existing = store.owner_by_name(name)
    spec = OwnerSpec(
        name=name,
        slack_id=slack_id,
        channels=lists["channels"],
        topics=lists["topics"],
        members=tuple(existing.members) if existing else (),
        member_groups=tuple(existing.member_groups) if existing else (),
        helpers=existing.helpers if existing else None,
        is_default=existing.is_default if existing else False,
    )
    store.upsert_owner(spec)
    return f"{'Updated' if existing else 'Added'} owner *{escape(name)}* → `{slack_id}`."


def register_owners_command(app: App, runtime: Runtime) -> None:
    """Register `/lastmile owners`; non-admins get a polite refusal."""
    from handlers.digest.verified_actions import register_verified

    register_verified(app, runtime)  # `/lastmile verified` and the verified answers' buttons

    def on_owners(ack: Ack, command: dict[str, Any]) -> None:
        if command.get("user_id") not in runtime.settings.admins:
            ack(text="Sorry, only lastmile admins can change owners. Ask one of them.")
            return
        ack(text=run_owners_command(runtime.store, str(command.get("text") or "")))

    app.command(ActionId.ADMIN_COMMAND, matchers=[is_owners_command])(on_owners)

    def on_help(ack: Ack) -> None:
        ack(text=HELP)

    # Registered after the owners listener: takes `/lastmile`, `/lastmile help` and typos.
    app.command(ActionId.ADMIN_COMMAND)(on_help)
