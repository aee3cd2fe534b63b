"""Versioned prompt files: the version is `<name>@<first 8 hex of sha256(content)>`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

PROMPT_PACKAGE = "bot.prompts"


@dataclass(frozen=True)
class Prompt:
    """A system prompt and the version that identifies its exact content."""

    name: str
    text: str

    @property
    def version(self) -> str:
        """`<name>@<8 hex>`: changes whenever a byte of the prompt changes."""
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        return f"{self.name}@{digest[:8]}"


def load_prompt(name: str = "answer") -> Prompt:
    """Read `bot/prompts/<name>.md` from package data."""
    text = resources.files(PROMPT_PACKAGE).joinpath(f"{name}.md").read_text(encoding="utf-8")
    return Prompt(name=name, text=text)
