"""Replaying eval cases through the current answerer, prompt and (optionally) verified answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.answering import AnswerOutcome, QuestionRejected, VerifiedEntry, answer_question
from bot.answering.core import EXTRACTIVE_PROMPT_VERSION
from bot.eval.cases import EvalCase
from bot.eval.scoring import score_answer
from bot.runtime import Runtime


@dataclass(frozen=True)
class CaseResult:
    """One replayed case: the new answer, its score and whether the failure is fixed."""

    key: str
    question: str
    expected: str
    answer: str
    score: float
    fixed: bool
    theme: str
    prompt_version: str
    served_by: str  # the new answer's provider, or "verified"


@dataclass(frozen=True)
class EvalReport:
    """Every case's result, and what answered them."""

    results: list[CaseResult]
    prompt_version: str
    model: str
    verified_used: bool
    summary: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The results file's content."""
        fixed = sum(r.fixed for r in self.results)
        return {
            "prompt_version": self.prompt_version,
            "model": self.model,
            "verified_answers": self.verified_used,
            "summary": {"cases": len(self.results), "fixed": fixed},
            "results": [asdict(result) for result in self.results],
        }


def replay_case(runtime: Runtime, case: EvalCase, verified: Sequence[VerifiedEntry]) -> CaseResult:
    """Ask the case's question as a new thread and score the answer against the correction."""
    try:
        outcome: AnswerOutcome | None = answer_question(
            case.question,
            [],
            answerer=runtime.answerer,
            knowledge=runtime.knowledge,
            verified=verified,
            prompt=runtime.prompt,
            on_chunk=lambda chunk: None,
            deadline_s=runtime.settings.answer_timeout_s,
        )
    except QuestionRejected:
        outcome = None
    text = outcome.text if outcome is not None else ""
    score, fixed = score_answer(text, case.expected)
    if outcome is not None and outcome.error:
        fixed = False
    return CaseResult(
        key=case.key,
        question=case.question,
        expected=case.expected,
        answer=text,
        score=score,
        fixed=fixed,
        theme=case.theme,
        prompt_version=case.prompt_version,
        served_by=outcome.provider if outcome is not None else "rejected",
    )


def replay(
    runtime: Runtime, cases: Sequence[EvalCase], verified: Sequence[VerifiedEntry]
) -> EvalReport:
    """Replay every case; `verified` empty tests the prompt and knowledge alone."""
    results = [replay_case(runtime, case, verified) for case in cases]
    answerer = runtime.answerer
    version = runtime.prompt.version if answerer.grounding == "llm" else EXTRACTIVE_PROMPT_VERSION
    return EvalReport(results, version, answerer.model, bool(verified))


def regressions(results: Sequence[CaseResult], baseline: dict[str, Any]) -> list[CaseResult]:
    """Cases fixed in the baseline results file that fail now."""
    before = {str(r.get("key")): bool(r.get("fixed")) for r in baseline.get("results") or []}
    return [r for r in results if before.get(r.key) and not r.fixed]
