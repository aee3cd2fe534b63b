"""Checking a fix before anyone is told: replay a theme's flagged questions, then confirm.

`check_fix` asks every distinct flagged question of the theme again, through the current
answerer (verified answers first, then knowledge, prompt and model, as a new thread), and sorts
each into a `FixOutcome`:

- **passes**: it had a correction, and the new answer agrees with it (the eval scoring of
  bot/eval: rapidfuzz similarity plus the correction's numbers; the LLM judge when given);
- **changed**: no correction to score against, but the answer is no longer the flagged one;
- **fails**: it disagrees with its correction, or is still (nearly) the flagged answer, or the
  answer failed.

Confirming (bot/digest/fix_confirm.py) tells only reporters none of whose questions fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from bot.answering import AnswerOutcome, VerifiedEntry
from bot.answering.core import EXTRACTIVE_PROMPT_VERSION
from bot.asking import verified_entries
from bot.eval.judge import Judge
from bot.eval.replay import replay_question
from bot.eval.scoring import score_answer
from bot.runtime import Runtime
from bot.vocabulary import FixOutcome
from storage.queries.base import as_utc
from storage.queries.fix_checks import ReportedQuestion

SAME_ANSWER = 90.0
"""rapidfuzz ratio at or above which a new answer is still the flagged one (no correction)."""


@dataclass(frozen=True)
class QuestionCheck:
    """One distinct flagged question replayed: its reporters, the new answer and the outcome."""

    question: str
    flagged: str
    expected: str | None
    answer: str
    outcome: str  # FixOutcome
    score: float | None
    provider: str
    model: str
    prompt_version: str
    confidence_line: str
    verified_answer_id: int | None
    users: tuple[str, ...]
    question_ids: tuple[int, ...]  # one per reporter, in `users` order
    feedback_ids: tuple[int, ...]
    told_before: tuple[str, ...] = ()  # reporters already told about an earlier fix

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuestionCheck:
        """Read one entry of `FixCheck.results`."""
        fields = dict(data)
        for name in ("users", "question_ids", "feedback_ids", "told_before"):
            fields[name] = tuple(fields.get(name) or ())
        return cls(**fields)


@dataclass(frozen=True)
class FixCheckResult:
    """What the owner sees before confirming."""

    check_id: int
    theme_id: int
    questions: tuple[QuestionCheck, ...]
    checked_at: datetime

    def of(self, outcome: str) -> list[QuestionCheck]:
        """The questions with one outcome."""
        return [q for q in self.questions if q.outcome == outcome]

    @property
    def held_back(self) -> set[str]:
        """Reporters who will not be told: one of their questions still fails."""
        return {user for q in self.of(FixOutcome.FAILS) for user in q.users}

    @property
    def to_tell(self) -> set[str]:
        """Reporters a confirm tells: not held back, and not told about an earlier fix."""
        every = {user for q in self.questions for user in q.users}
        told = {user for q in self.questions for user in q.told_before}
        return every - self.held_back - told


def judge_outcome(
    question: str, flagged: str, expected: str | None, new: AnswerOutcome | None,
    judge: Judge | None = None,
) -> tuple[str, float | None]:  # fmt: skip
    """(FixOutcome, similarity score or None) for one replayed question."""
    if new is None or new.error or not new.text.strip():
        return FixOutcome.FAILS, None
    if expected:
        score, fixed = score_answer(new.text, expected)
        verdict = judge(question, expected, new.text) if judge is not None else None
        fixed = verdict.passed if verdict is not None else fixed
        return (FixOutcome.PASSES if fixed else FixOutcome.FAILS), score
    same = fuzz.ratio(_flat(new.text), _flat(flagged)) >= SAME_ANSWER
    return (FixOutcome.FAILS if same else FixOutcome.CHANGED), None


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


def _groups(reports: Sequence[ReportedQuestion]) -> dict[str, list[ReportedQuestion]]:
    groups: dict[str, list[ReportedQuestion]] = {}
    for report in reports:
        groups.setdefault(_flat(report.question), []).append(report)
    return groups


def _check_one(
    runtime: Runtime, group: Sequence[ReportedQuestion], verified: Sequence[VerifiedEntry],
    judge: Judge | None, told_before: set[str],
) -> QuestionCheck:  # fmt: skip
    question = group[0].question
    corrections = [r.correction for r in group if r.correction]
    expected = corrections[-1] if corrections else None  # the latest right answer proposed
    new = replay_question(runtime, question, verified)
    outcome, score = judge_outcome(question, group[0].answer, expected, new, judge)
    first: dict[str, ReportedQuestion] = {}
    for report in group:
        first.setdefault(report.user_id, report)
    llm = runtime.answerer.grounding == "llm"
    return QuestionCheck(
        question=question,
        flagged=group[0].answer,
        expected=expected,
        answer=new.text if new is not None else "",
        outcome=str(outcome),
        score=score,
        provider=new.provider if new is not None else "rejected",
        model=new.model if new is not None else "",
        prompt_version=(new.prompt_version if new is not None else "")
        or (runtime.prompt.version if llm else EXTRACTIVE_PROMPT_VERSION),
        confidence_line=new.confidence_line if new is not None else "",
        verified_answer_id=new.verified_answer_id if new is not None else None,
        users=tuple(first),
        question_ids=tuple(r.question_id for r in first.values()),
        feedback_ids=tuple(r.feedback_id for r in group),
        told_before=tuple(user for user in first if user in told_before),
    )


def fix_judge(runtime: Runtime) -> Judge | None:
    """The eval's LLM judge when a model answers (as `lastmile eval` decides); None offline."""
    if runtime.answerer.grounding != "llm":
        return None
    timeout_s, prompt = runtime.settings.answer_timeout_s, runtime.prompts["eval_judge"]
    return Judge(runtime.answerer, timeout_s=timeout_s, prompt=prompt)


def check_fix(
    runtime: Runtime,
    theme_id: int,
    *,
    by: str,
    verified: Sequence[VerifiedEntry] | None = None,
    judge: Judge | None = None,
) -> FixCheckResult:
    """Replay every distinct flagged question of the theme and store what it showed.

    `verified` defaults to the active verified answers, as the ask flow serves them.
    """
    if verified is None:
        verified = verified_entries(runtime)
    reports = runtime.store.theme_reports(theme_id)
    untold = {r.user_id for r in reports if not r.notified}
    told_before = {r.user_id for r in reports} - untold
    groups = _groups(reports).values()
    checks = [_check_one(runtime, group, verified, judge, told_before) for group in groups]
    row = runtime.store.save_fix_check(
        theme_id, checked_by=by, results=[asdict(check) for check in checks]
    )
    assert row.id is not None
    return FixCheckResult(row.id, theme_id, tuple(checks), as_utc(row.created_at))


def load_fix_check(runtime: Runtime, check_id: int) -> FixCheckResult | None:
    """A stored check, as the owner saw it."""
    row = runtime.store.get_fix_check(check_id)
    if row is None or row.id is None:
        return None
    questions = tuple(QuestionCheck.from_json(entry) for entry in row.results)
    return FixCheckResult(row.id, row.theme_id, questions, as_utc(row.created_at))
