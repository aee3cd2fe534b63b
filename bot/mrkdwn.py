"""Escaping user and model text before it goes into Slack mrkdwn.

Slack turns `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^ID>`, `<@U123>` and `<url|label>`
into live mentions and links. Escaping `&`, `<` and `>` (Slack's own rule) makes every one of
them plain text, so a hostile question or a model's answer can never ping anyone or disguise a
link.
"""

from __future__ import annotations

_REPLACEMENTS = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def escape(text: str) -> str:
    """Escape text for mrkdwn; the result shows exactly what was typed."""
    for raw, escaped in _REPLACEMENTS:
        text = text.replace(raw, escaped)
    return text


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """Cut text to at most `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker


def quote(text: str, limit: int = 2800) -> str:
    """Escaped, truncated and shown as a block quote."""
    body = truncate(escape(text), limit)
    return "\n".join(f">{line}" for line in body.splitlines() or [""])
