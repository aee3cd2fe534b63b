"""The demo company's questions: what people ask, in which words, and what the true answer is.

Each `Topic` knows the facts a right answer must contain (`truth`) and the outdated facts a wrong
one repeats (`stale`), so simulated employees react to the answer the bot really gave.
Week-2 wordings are paraphrases of week 1's, as when the same people ask again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One thing employees want to know, with its true answer and the words they use."""

    key: str
    area: str  # hr | it | finance | travel
    week1: tuple[str, ...]
    week2: tuple[str, ...]
    truth: tuple[str, ...]
    stale: tuple[str, ...] = ()
    correction: str = ""
    link: str = ""
    weight: int = 2

    def is_right(self, answer: str) -> bool:
        """The answer states the current fact."""
        text = answer.lower()
        return any(fact in text for fact in self.truth)

    def is_outdated(self, answer: str) -> bool:
        """The answer repeats a retired fact (old handbook, retired client...)."""
        text = answer.lower()
        return any(fact in text for fact in self.stale)
