"""What a click, a reaction or a modal means, decided without Slack: kinds, reasons, validation."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.vocabulary import REASON_LABELS, REPORT_REASONS

__all__ = ["REASON_LABELS", "ModalInput", "validate", "vote_from_reaction", "vote_from_value"]

# Reaction names as Slack sends them (skin tones arrive as "+1::skin-tone-2").
DOWN_REACTIONS = frozenset({"-1", "thumbsdown", "x"})
UP_REACTIONS = frozenset({"+1", "thumbsup"})
CORRECTION_MAX = 3000
LINK_MAX = 2000


def vote_from_value(value: str) -> str | None:
    """`up`/`down` from a feedback button's value; anything else is not a vote."""
    head = value.split(":", 1)[0].strip().lower()
    return {"up": "up", "positive": "up", "down": "down", "negative": "down"}.get(head)


def vote_from_reaction(reaction: str) -> str | None:
    """`up`/`down` for a thumbs or :x: reaction; None for every other emoji."""
    name = reaction.split("::", 1)[0]
    if name in DOWN_REACTIONS:
        return "down"
    if name in UP_REACTIONS:
        return "up"
    return None


@dataclass(frozen=True)
class ModalInput:
    """What a person typed into a feedback modal, trimmed."""

    reason: str | None
    correction: str
    link: str


def validate(kind: str, entry: ModalInput) -> dict[str, str]:
    """Errors keyed by field (`reason`, `correction`, `link`); empty when the input is fine."""
    errors: dict[str, str] = {}
    if kind in ("report", "down") and entry.reason not in REPORT_REASONS:
        errors["reason"] = "Pick what was wrong with the answer."
    if kind == "correction" and not entry.correction:
        errors["correction"] = "Write the right answer (a sentence is enough)."
    if len(entry.correction) > CORRECTION_MAX:
        errors["correction"] = f"Keep it under {CORRECTION_MAX} characters."
    if entry.link and not is_web_link(entry.link):
        errors["link"] = "Use a full web address starting with https:// (or leave it empty)."
    return errors


def is_web_link(link: str) -> bool:
    """An absolute http(s) URL with a host, short enough to store."""
    if len(link) > LINK_MAX or any(ch.isspace() for ch in link):
        return False
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
