"""Versioned prompt files: the version is `<name>@<first 8 hex of sha256(content)>`.

The packaged prompts (bot/prompts/*.md) can be overridden file by file from a folder of the
company's own (LASTMILE_PROMPTS_DIR, same file names); the version is the content's hash either
way, so the digest and `lastmile eval` compare prompt versions wherever they came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

PROMPT_PACKAGE = "bot.prompts"
PROMPT_NAMES = ("answer", "eval_judge", "theme_label", "theme_review", "verified_match")
"""Every prompt lastmile uses; a file of another name in LASTMILE_PROMPTS_DIR is not read."""
PACKAGED = "packaged"


@dataclass(frozen=True)
class Prompt:
    """A system prompt and the version that identifies its exact content."""

    name: str
    text: str
    origin: str = field(default=PACKAGED, compare=False)  # "packaged" or the file it came from

    @property
    def version(self) -> str:
        """`<name>@<8 hex>`: changes whenever a byte of the prompt changes."""
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        return f"{self.name}@{digest[:8]}"


class PromptFileError(ValueError):
    """A prompt file in LASTMILE_PROMPTS_DIR that can't be used; the message says why."""


def load_prompt(name: str = "answer", folder: Path | None = None) -> Prompt:
    """`<folder>/<name>.md` when `folder` has it, else `bot/prompts/<name>.md` from package data.

    Raises PromptFileError for a file that is not UTF-8 text or is empty.
    """
    if folder is not None:
        path = folder / f"{name}.md"
        if path.is_file():
            return Prompt(name=name, text=read_prompt_file(path), origin=str(path))
    text = resources.files(PROMPT_PACKAGE).joinpath(f"{name}.md").read_text(encoding="utf-8")
    return Prompt(name=name, text=text)


def read_prompt_file(path: Path) -> str:
    """The text of one prompt file; raises PromptFileError when unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PromptFileError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise PromptFileError(f"{path} can't be read: {error.strerror or error}") from None
    if not text.strip():
        raise PromptFileError(f"{path} is empty")
    return text


def load_prompts(folder: Path | None = None) -> dict[str, Prompt]:
    """Every prompt lastmile uses, each from `folder` when it has one (else packaged)."""
    return {name: load_prompt(name, folder) for name in PROMPT_NAMES}


def unknown_prompt_files(folder: Path) -> list[str]:
    """`*.md` files in `folder` that are no prompt's name (a typo would silently do nothing)."""
    known = {f"{name}.md" for name in PROMPT_NAMES}
    return sorted(p.name for p in folder.glob("*.md") if p.name not in known)
