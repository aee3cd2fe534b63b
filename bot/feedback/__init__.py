"""Feedback without Slack: what signals mean, storing them reliably, and who hears about them."""

from bot.feedback.recorder import FeedbackRecorder
from bot.feedback.signals import ModalInput, validate, vote_from_reaction, vote_from_value
from bot.feedback.writes import FeedbackWrite, WriteResult

__all__ = [
    "FeedbackRecorder",
    "FeedbackWrite",
    "ModalInput",
    "WriteResult",
    "validate",
    "vote_from_reaction",
    "vote_from_value",
]
