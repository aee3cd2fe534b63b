"""`lastmile owners --explain "question" [--channel C]`: which owner a question goes to, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import click

from bot.owners import explain_route, is_user_id
from bot.owners.routing import Routable


class _Destined(Routable, Protocol):
    """An owner as routing reads it, plus where its digest and pings go."""

    @property
    def slack_id(self) -> str: ...


def explain_line(owners: Sequence[_Destined], question: str, channel_id: str) -> str:
    """One line: the owner (and where its pings and digest go) and the rule that chose it."""
    route = explain_route(owners, channel_id, question)
    if route.owner is None:
        return f"nobody: {route.reason(channel_id)}"
    owner = route.owner
    where = f"DM to {owner.slack_id}" if is_user_id(owner.slack_id) else f"in {owner.slack_id}"
    return f"{owner.name} ({where}): {route.reason(channel_id)}"


def echo_explanation(owners: Sequence[_Destined], question: str, channel_id: str) -> None:
    """Print the explanation of one question's route."""
    click.echo(explain_line(owners, question, channel_id))
