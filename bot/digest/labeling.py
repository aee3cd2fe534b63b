"""Theme labels written by the model when a provider key is set; key terms otherwise.

The model sees a theme's key terms and up to `MAX_EXAMPLES` of its questions (prompt:
`bot/prompts/theme_label.md`) and writes one short line. Labels are a nicety, so they never
hold a digest up: each call has its own deadline, the first failure (error or timeout) turns the
labeler off for the rest of the run, and the whole run spends at most `LABEL_BUDGET_S` on labels,
far below the digest claim's lease. Every miss keeps the key-term label.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from bot.answering.prompt import Prompt, load_prompt
from bot.answering.types import Answerer, Clock
from bot.llm_tasks import RunBudget, complete

MAX_LABEL_CHARS = 80
MAX_EXAMPLES = 8
MAX_EXAMPLE_CHARS = 500
LABEL_TIMEOUT_S = 15.0
LABEL_BUDGET_S = 120.0
TASK = "Write the label for the theme described in the context."
_PREFIX = re.compile(r"^(?:theme\s+)?label\s*:\s*", re.IGNORECASE)
_WRAPPERS = "\"'`*_#“”‘’ "


def clean_label(reply: str) -> str | None:
    """The first line, without quotes, Markdown or a "Label:" prefix, at most 80 characters."""
    lines = [line for line in reply.splitlines() if line.strip()]
    if not lines:
        return None
    text = " ".join(lines[0].split())
    text = _PREFIX.sub("", text.strip(_WRAPPERS)).strip(_WRAPPERS).rstrip(".")
    if len(text) > MAX_LABEL_CHARS:
        cut = text[: MAX_LABEL_CHARS - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:-") + "…"
    return text or None


class ThemeLabeler:
    """Callable `(key_terms, examples) -> label | None`, as `assign_themes` takes it."""

    def __init__(
        self,
        answerer: Answerer,
        *,
        prompt: Prompt | None = None,
        timeout_s: float = LABEL_TIMEOUT_S,
        budget_s: float = LABEL_BUDGET_S,
        clock: Clock = time.monotonic,
    ) -> None:
        self.answerer = answerer
        self.prompt = prompt or load_prompt("theme_label")
        self.clock = clock
        self.budget = RunBudget(timeout_s, budget_s, clock)

    @property
    def gave_up(self) -> bool:
        """True once an error, a timeout or the spent budget turned labelling off for the run."""
        return self.budget.gave_up

    def __call__(self, key_terms: Sequence[str], examples: Sequence[str]) -> str | None:
        """A model-written label, or None (the caller keeps the key-term label)."""
        timeout = self.budget.next_timeout()
        if timeout is None:
            return None
        items = label_items(key_terms, examples)
        reply = complete(
            self.answerer, self.prompt, TASK, timeout_s=timeout, items=items, clock=self.clock
        )
        if reply is None:
            self.budget.give_up()  # the provider is failing: don't make every theme wait for it
            return None
        return clean_label(reply)


def label_items(key_terms: Sequence[str], examples: Sequence[str]) -> list[tuple[str, str]]:
    """The labelled data the model sees: the key terms, then up to MAX_EXAMPLES questions."""
    items = [("key terms", ", ".join(key_terms) or "(none)")]
    items += [("example question", q[:MAX_EXAMPLE_CHARS]) for q in examples[:MAX_EXAMPLES]]
    return items


def theme_labeler(answerer: Answerer, prompt: Prompt | None = None) -> ThemeLabeler | None:
    """A labeler when answers come from a model (anthropic, openai); None offline or a service."""
    return ThemeLabeler(answerer, prompt=prompt) if answerer.grounding == "llm" else None
