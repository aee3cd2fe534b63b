"""Answering, free of Slack: verified answers, knowledge retrieval, prompts and providers."""

from bot.answering.core import DEFAULT_DEADLINE_S, answer_question, check_question
from bot.answering.factory import make_answerer
from bot.answering.knowledge import KnowledgeBase
from bot.answering.prompt import Prompt, load_prompt
from bot.answering.types import (
    MAX_QUESTION_CHARS,
    Answerer,
    AnswerOutcome,
    AnswerRequest,
    Asker,
    Passage,
    ProviderError,
    QuestionRejected,
    QuestionTooLong,
    Source,
    Turn,
    VerifiedEntry,
)

__all__ = [
    "DEFAULT_DEADLINE_S",
    "MAX_QUESTION_CHARS",
    "AnswerOutcome",
    "AnswerRequest",
    "Answerer",
    "Asker",
    "KnowledgeBase",
    "Passage",
    "Prompt",
    "ProviderError",
    "QuestionRejected",
    "QuestionTooLong",
    "Source",
    "Turn",
    "VerifiedEntry",
    "answer_question",
    "check_question",
    "load_prompt",
    "make_answerer",
]
