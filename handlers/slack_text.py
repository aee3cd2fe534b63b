"""Slack's message markup to the plain text a person typed.

Slack sends user text with `&`, `<` and `>` encoded as entities and with mentions, channels and
links as `<...>` markup. We store and reason about plain text (the model, the digest, exports
and eval all see what the person wrote) and escape again on the way out (bot.mrkdwn.escape), so
nothing is escaped twice and "R&D" stays "R&D".
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def plain_text(text: str) -> str:
    """`<@U1|ann>, see <https://x.io|doc> &amp; more` -> `@ann, see doc (https://x.io) & more`."""
    text = _MARKUP.sub(lambda match: _readable(match.group(1)), text)
    for entity, character in _ENTITIES:
        text = text.replace(entity, character)
    return text


def _readable(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        command = target[1:]
        if command.startswith("subteam^"):
            return label or "@" + command.removeprefix("subteam^")
        if command.startswith("date^"):
            return label
        return label or "@" + command
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    if label and label != target:
        return f"{label} ({target})"
    return target
