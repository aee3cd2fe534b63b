"""Optional second opinions on a verified-answer match: the semantic embedder and the model.

The concept matcher (bot/answering/verified.py) proposes; each check may only veto, never add a
match, because serving an approved answer to another question is worse than serving none.

- `SemanticCheck` (the `[semantic]` extra, all-MiniLM-L6-v2): refuses when the question's
  embedding is far from every wording of the answer (cosine < SEMANTIC_MIN; the demo's right
  matches all score >= 0.62, see bench_verified).
- `LlmCheck` (a provider key set): asks the runtime's model SAME or DIFFERENT, only for matches
  that are not a full concept cover, at most once per question, within LLM_TIMEOUT_S; any
  error, timeout or other reply leaves the concept matcher's decision standing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

from bot.answering.prompt import Prompt, load_prompt
from bot.answering.types import Answerer, Clock

if TYPE_CHECKING:
    from bot.clustering.semantic import MiniLMEmbedder

log = logging.getLogger(__name__)

SEMANTIC_MIN = 0.45
"""Least cosine between the question and the answer's nearest wording."""
LLM_TIMEOUT_S = 5.0
"""The model's deadline per check: a verified answer is never held up longer."""
MAX_WORDINGS = 5


class MatchCheck(Protocol):
    """A second opinion: False vetoes the match, None can't tell (the match stands)."""

    @property
    def name(self) -> str:
        """What the logs call it."""
        ...

    def agrees(self, question: str, wordings: Sequence[str], score: float) -> bool | None:
        """Whether `question` asks what `wordings` ask (`score`: the concept matcher's, 0-1)."""
        ...


class SemanticCheck:
    """Vetoes a match whose sentence embeddings are far apart."""

    name = "semantic"

    def __init__(self, embedder: MiniLMEmbedder, minimum: float = SEMANTIC_MIN) -> None:
        self.embedder = embedder
        self.minimum = minimum

    def agrees(self, question: str, wordings: Sequence[str], score: float) -> bool | None:
        """True when some wording is at least `minimum` cosine-similar to the question."""
        vectors = self.embedder.embed([question, *wordings])
        return float((vectors[1:] @ vectors[0]).max()) >= self.minimum


@cache
def semantic_check() -> SemanticCheck | None:
    """One shared check per process when the `[semantic]` extra is installed, else None."""
    try:
        from bot.clustering.semantic import bundled_model_dir, shared_embedder

        bundled_model_dir()  # raises when the model is not installed
        return SemanticCheck(shared_embedder())
    except (ImportError, RuntimeError):
        return None


class LlmCheck:
    """Asks the model whether the question is the approved one in other words."""

    name = "llm"

    def __init__(
        self,
        answerer: Answerer,
        *,
        timeout_s: float = LLM_TIMEOUT_S,
        max_calls: int = 1,
        clock: Clock = time.monotonic,
        prompt: Prompt | None = None,
    ) -> None:
        self.answerer = answerer
        self.prompt = prompt
        self.timeout_s = timeout_s
        self.calls_left = max_calls  # the ask path builds one check per question: one call
        self.clock = clock

    def agrees(self, question: str, wordings: Sequence[str], score: float) -> bool | None:
        """SAME -> True, DIFFERENT -> False; None for a full concept cover, an error or else."""
        if score >= 1.0 or self.calls_left <= 0:
            return None  # a full concept cover needs no call; past the budget, no opinion
        self.calls_left -= 1
        from bot.llm_tasks import complete  # bot.llm_tasks imports answering: import when used

        items = [("approved wording", w) for w in wordings[:MAX_WORDINGS]]
        prompt = self.prompt or _prompt()
        reply = complete(self.answerer, prompt, question, timeout_s=self.timeout_s,
                         items=items, clock=self.clock)  # fmt: skip
        word = (reply or "").strip().split()[:1]
        verdict = (
            {"SAME": True, "DIFFERENT": False}.get(word[0].strip(".").upper()) if word else None
        )
        if verdict is None:
            log.info("verified match check: no verdict from %s", self.answerer.provider)
        return verdict


@cache
def _prompt() -> Prompt:
    return load_prompt("verified_match")


def default_checks(answerer: Answerer, prompt: Prompt | None = None) -> tuple[MatchCheck, ...]:
    """The checks a running bot uses: semantic when installed, the model when it is one."""
    checks: list[MatchCheck] = []
    semantic = semantic_check()
    if semantic is not None:
        checks.append(semantic)
    if answerer.grounding == "llm":
        checks.append(LlmCheck(answerer, prompt=prompt))
    return tuple(checks)
