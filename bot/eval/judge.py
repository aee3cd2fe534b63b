"""The LLM judge of `lastmile eval`: does the new answer agree with the correction on the facts?

The model gets the question, the expected (corrected) answer and the answer under test as
delimited data (prompt: `bot/prompts/eval_judge.md`) and must reply with a first line of PASS or
FAIL and a one-line reason. Anything else, an error or a timeout gives no verdict, and the
similarity score decides instead (bot/eval/replay.py).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from bot.answering.prompt import Prompt, load_prompt
from bot.answering.types import Answerer, Clock
from bot.llm_tasks import complete

MAX_REASON_CHARS = 200
JUDGE_TIMEOUT_S = 30.0
_VERDICT = re.compile(r"^(PASS|FAIL)\b[\s:.,;*_\-–—]*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """The judge's decision and its one-line reason."""

    passed: bool
    reason: str


def parse_verdict(reply: str) -> Verdict | None:
    """A verdict when the first non-empty line starts with PASS or FAIL; None otherwise."""
    lines = [" ".join(line.strip(" *_`#").split()) for line in reply.splitlines()]
    lines = [line for line in lines if line]
    if not lines or (match := _VERDICT.match(lines[0])) is None:
        return None
    reason = match.group(2) or (lines[1] if len(lines) > 1 else "")
    return Verdict(match.group(1).upper() == "PASS", reason[:MAX_REASON_CHARS])


class Judge:
    """Callable `(question, expected, answer) -> Verdict | None` over an `Answerer`."""

    def __init__(
        self,
        answerer: Answerer,
        *,
        prompt: Prompt | None = None,
        timeout_s: float = JUDGE_TIMEOUT_S,
        clock: Clock = time.monotonic,
    ) -> None:
        self.answerer = answerer
        self.prompt = prompt or load_prompt("eval_judge")
        self.timeout_s = timeout_s
        self.clock = clock

    @property
    def name(self) -> str:
        """`<provider>:<model>`, shown with the results."""
        return f"{self.answerer.provider}:{self.answerer.model}"

    def __call__(self, question: str, expected: str, answer: str) -> Verdict | None:
        """Ask the model; None when it fails, times out or replies without a verdict."""
        items = [("expected answer", expected), ("answer under test", answer)]
        reply = complete(
            self.answerer, self.prompt, question, timeout_s=self.timeout_s, items=items,
            clock=self.clock,
        )  # fmt: skip
        return parse_verdict(reply) if reply is not None else None
