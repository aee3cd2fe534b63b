"""`lastmile eval`: replay corrected failures through the current answerer and prompt, and score."""

from bot.eval.cases import EvalCase, load_cases, read_cases
from bot.eval.replay import CaseResult, EvalReport, regressions, replay
from bot.eval.scoring import FIXED_THRESHOLD, score_answer

__all__ = [
    "FIXED_THRESHOLD",
    "CaseResult",
    "EvalCase",
    "EvalReport",
    "load_cases",
    "read_cases",
    "regressions",
    "replay",
    "score_answer",
]
