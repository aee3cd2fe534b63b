"""The Store: every query lives here, grouped by concern in `storage/queries/`."""

from __future__ import annotations

from storage.queries.answers import AnswerQueries
from storage.queries.base import StoreBase
from storage.queries.events import EventQueries
from storage.queries.feedback import FeedbackQueries


class Store(EventQueries, AnswerQueries, FeedbackQueries, StoreBase):
    """One object for all persistence; construct with an engine and a clock."""
