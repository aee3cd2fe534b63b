"""Per-owner activity of a period: the headline numbers, daily votes and rates by version.

Each question is routed to exactly one owner (channel, topic, default) like its failures, so an
owner's digest counts only the questions it owns and the numbers add up across owners.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from bot.digest.model import Counts, VersionRate
from bot.digest.period import Period
from bot.owners import OwnerRouter
from storage import Store

UNOWNED = -1


@dataclass
class Activity:
    """What happened in one owner's scope during a period."""

    tally: Counter[str] = field(default_factory=Counter)
    votes: list[tuple[datetime, str]] = field(default_factory=list)
    versions: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )  # (prompt version, model) -> [answers, thumbs down, thumbs up] on the period's answers
    citations: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    """Knowledge path -> the period's answers that cited it."""

    @property
    def counts(self) -> Counts:
        """The headline numbers."""
        tally = self.tally
        return Counts(
            questions=tally["questions"],
            answers=tally["answers"],
            up=tally["up"],
            down=tally["down"],
            reports=tally["report"],
            corrections=tally["correction"],
            errors=tally["errors"],
        )

    def by_version(self) -> tuple[VersionRate, ...]:
        """Votes on each prompt version and model's answers, worst thumbs-down rate first."""
        rows = [VersionRate(pv, m, n, d, u) for (pv, m), (n, d, u) in self.versions.items()]
        return tuple(sorted(rows, key=lambda row: (-row.rate, row.prompt_version)))


class ActivityMaps(TypedDict):
    """A period's and the previous period's activity, computed once for every owner."""

    activity: Mapping[int, Activity]
    previous_activity: Mapping[int, Activity]


def activity_by_owner(store: Store, period: Period) -> dict[int, Activity]:
    """Every owner's activity in `period` (owners with none are absent)."""
    router = OwnerRouter(store.list_owners())

    def route(channel_id: str, text: str) -> int:
        owner_id = router.owner_id(channel_id, text)
        return UNOWNED if owner_id is None else owner_id

    result: dict[int, Activity] = defaultdict(Activity)
    for asked in store.asked_between(period.start, period.end):
        result[route(asked.channel_id, asked.text)].tally["questions"] += 1
    for answered in store.answered_between(period.start, period.end):
        activity = result[route(answered.channel_id, answered.text)]
        activity.tally["errors" if answered.failed else "answers"] += 1
        activity.versions[(answered.prompt_version, answered.model)][0] += 1
        for path in answered.cited:
            activity.citations[path].add(answered.answer_id)
    for row in store.feedback_between(period.start, period.end):
        activity = result[route(row.channel_id, row.text)]
        activity.tally[row.kind] += 1
        if row.kind in ("up", "down"):
            activity.votes.append((row.created_at, row.kind))
        if row.kind in ("up", "down") and period.start <= row.answer_created_at < period.end:
            activity.versions[(row.prompt_version, row.model)][1 if row.kind == "down" else 2] += 1
    return dict(result)
