"""Replaying eval cases through the current answerer, prompt and (optionally) verified answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.answering import AnswerOutcome, QuestionRejected, VerifiedEntry, answer_question
from bot.answering.core import EXTRACTIVE_PROMPT_VERSION
from bot.answering.types import UNVERSIONED
from bot.answering.verified_checks import default_checks
from bot.eval.cases import EvalCase
from bot.eval.judge import Judge
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
    judge: str = ""  # "pass" or "fail" (the judge decided), "error" (similarity decided), "" off
    judge_reason: str = ""


@dataclass(frozen=True)
class EvalReport:
    """Every case's result, and what answered them."""

    results: list[CaseResult]
    prompt_version: str
    model: str
    verified_used: bool
    summary: dict[str, Any] = field(default_factory=dict)
    judge: str = ""  # `<provider>:<model>` of the judge, "" when similarity alone decides

    def as_json(self) -> dict[str, Any]:
        """The results file's content."""
        fixed = sum(r.fixed for r in self.results)
        return {
            "prompt_version": self.prompt_version,
            "model": self.model,
            "verified_answers": self.verified_used,
            "judge": self.judge or None,
            "summary": {"cases": len(self.results), "fixed": fixed},
            "results": [asdict(result) for result in self.results],
        }


def replay_question(runtime: Runtime, question: str, verified: Sequence[VerifiedEntry]) -> (
    AnswerOutcome | None
):  # fmt: skip
    """Ask `question` again as a new thread, as a live answer would be; None if refused.

    The one replay path: `lastmile eval` and the mark-fixed check both use it.
    """
    try:
        return answer_question(
            question,
            [],
            answerer=runtime.answerer,
            knowledge=runtime.knowledge,
            verified=verified,
            # as the live path matches
            verified_checks=default_checks(runtime.answerer, runtime.prompts["verified_match"]),
            prompt=runtime.prompt,
            on_chunk=lambda chunk: None,
            deadline_s=runtime.settings.answer_timeout_s,
        )
    except QuestionRejected:
        return None


def replay_case(
    runtime: Runtime,
    case: EvalCase,
    verified: Sequence[VerifiedEntry],
    judge: Judge | None = None,
) -> CaseResult:
    """Ask the case's question as a new thread and score the answer against the correction.

    With a `judge`, its PASS/FAIL decides `fixed`; the similarity score decides when it has no
    verdict (error, timeout, unreadable reply) and always when there is no judge.
    """
    outcome = replay_question(runtime, case.question, verified)
    text = outcome.text if outcome is not None else ""
    score, fixed = score_answer(text, case.expected)
    verdict, reason = "", ""
    if outcome is None or outcome.error:
        fixed = False
    elif judge is not None:
        fixed, verdict, reason = _judged(judge, case, text, fixed)
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
        judge=verdict,
        judge_reason=reason,
    )


def _judged(judge: Judge, case: EvalCase, answer: str, similar: bool) -> tuple[bool, str, str]:
    """(fixed, verdict, reason): the judge's decision, or the similarity one when it has none."""
    decision = judge(case.question, case.expected, answer)
    if decision is None:
        return similar, "error", ""
    return decision.passed, "pass" if decision.passed else "fail", decision.reason


def replay(
    runtime: Runtime,
    cases: Sequence[EvalCase],
    verified: Sequence[VerifiedEntry],
    judge: Judge | None = None,
) -> EvalReport:
    """Replay every case; `verified` empty tests the prompt and knowledge alone."""
    results = [replay_case(runtime, case, verified, judge) for case in cases]
    answerer = runtime.answerer
    version = runtime.prompt.version if answerer.grounding == "llm" else EXTRACTIVE_PROMPT_VERSION
    if answerer.grounding == "service":  # the version the company's service reported
        version = getattr(answerer, "last_version", None) or UNVERSIONED
    name = judge.name if judge is not None else ""
    return EvalReport(results, version, answerer.model, bool(verified), judge=name)


def regressions(results: Sequence[CaseResult], baseline: dict[str, Any]) -> list[CaseResult]:
    """Cases fixed in the baseline results file that fail now."""
    before = {str(r.get("key")): bool(r.get("fixed")) for r in baseline.get("results") or []}
    return [r for r in results if before.get(r.key) and not r.fixed]
