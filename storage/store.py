"""The Store: every query lives here, grouped by concern in `storage/queries/`."""

from __future__ import annotations

from storage.queries.activity import ActivityQueries
from storage.queries.answers import AnswerQueries
from storage.queries.asking import AskingQueries
from storage.queries.base import StoreBase
from storage.queries.digest import DigestQueries
from storage.queries.event_queue import EventQueueQueries
from storage.queries.events import EventQueries
from storage.queries.feedback import FeedbackQueries
from storage.queries.feedback_views import FeedbackViewQueries
from storage.queries.fix_checks import FixCheckQueries
from storage.queries.handoffs import HandoffQueries
from storage.queries.owners import OwnerQueries
from storage.queries.retention import RetentionQueries
from storage.queries.silent import SilentQueries
from storage.queries.themes import ThemeQueries
from storage.queries.transport import TransportQueries
from storage.queries.urgent import UrgentQueries
from storage.queries.verified import VerifiedQueries


class Store(
    EventQueries,
    EventQueueQueries,
    AnswerQueries,
    FeedbackQueries,
    FeedbackViewQueries,
    UrgentQueries,
    AskingQueries,
    VerifiedQueries,
    TransportQueries,
    OwnerQueries,
    ThemeQueries,
    FixCheckQueries,
    HandoffQueries,
    DigestQueries,
    ActivityQueries,
    SilentQueries,
    RetentionQueries,
    StoreBase,
):
    """One object for all persistence; construct with an engine and a clock."""
