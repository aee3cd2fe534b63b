"""The DM an assignee gets: which theme, how big it is, and a link to the digest it came from."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.mrkdwn import escape, truncate
from handlers.digest.message_state import DigestMessage
from storage import Store
from storage.models import Theme

log = logging.getLogger(__name__)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def assign_text(theme: Theme, store: Store, *, by: str, link: str | None) -> str:
    """`<@U1> assigned you *label*: 4 flagged answers from 3 people. <link|Open the digest>`."""
    assert theme.id is not None
    reports = store.theme_reports(theme.id)
    people = len({report.user_id for report in reports})
    label = truncate(escape(" ".join(theme.label.split())), 150)
    who = "1 person" if people == 1 else f"{people} people"
    text = (
        f"<@{by}> assigned you the lastmile theme *{label}*: "
        f"{_plural(len(reports), 'flagged answer')} from {who}"
    )
    return f"{text}. <{link}|Open the digest>" if link else f"{text}."


def _permalink(client: WebClient, where: DigestMessage | None) -> str | None:
    if where is None:
        return None
    try:
        found = client.chat_getPermalink(channel=where.channel, message_ts=where.ts)
        return str(found["permalink"])
    except SlackApiError as err:
        log.info("no permalink for the digest: %s", err.response.get("error"))
        return None


def notify_assignee(
    client: WebClient, store: Store, theme: Theme, assignee: str, *, by: str,
    where: DigestMessage | None,
) -> bool:  # fmt: skip
    """DM the assignee; False (logged) when Slack refuses: the assignment itself stands."""
    text = assign_text(theme, store, by=by, link=_permalink(client, where))
    try:
        channel = str(client.conversations_open(users=assignee)["channel"]["id"])
        client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as err:
        log.warning("telling the assignee failed: %s", err.response.get("error"))
        return False
    return True
