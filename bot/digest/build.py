"""Building digests: a period's failures, routed to owners, clustered into themes, summarised."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.digest.model import (
    Counts,
    DailyRate,
    Digest,
    Example,
    ProposedCorrection,
    ThemeDigest,
    VersionRate,
)
from bot.digest.period import Period
from bot.digest.themes import Clusterer, ThemeGroup, assign_themes, default_clusterer, theme_status
from bot.owners import choose_owner
from storage import Store
from storage.models import Owner
from storage.queries.base import as_utc
from storage.queries.digest import FailureRecord

TOP_THEMES = 5
EXAMPLES_PER_THEME = 3
CORRECTIONS_PER_THEME = 2


def route_failures(
    owners: Sequence[Owner], failures: Sequence[FailureRecord]
) -> dict[int, list[FailureRecord]]:
    """Each failure to exactly one owner (by channel, topic, default); unowned ones are dropped."""
    routed: dict[int, list[FailureRecord]] = defaultdict(list)
    cache: dict[tuple[str, str], Owner | None] = {}
    for failure in failures:
        key = (failure.channel_id, failure.question)
        if key not in cache:
            cache[key] = choose_owner(owners, failure.channel_id, failure.question)
        owner = cache[key]
        if owner is not None and owner.id is not None:
            routed[owner.id].append(failure)
    return dict(routed)


def collect_failures(store: Store, period: Period) -> dict[int, list[FailureRecord]]:
    """The period's failures, routed to the current owners."""
    failures = store.failures_between(period.start, period.end)
    return route_failures(store.list_owners(), failures)


def counts_for(store: Store, period: Period) -> Counts:
    """Headline numbers of one period."""
    raw = store.period_counts(period.start, period.end)
    return Counts(
        questions=raw["questions"],
        answers=raw["answers"],
        up=raw["up"],
        down=raw["down"],
        reports=raw["report"],
        corrections=raw["correction"],
        errors=raw["errors"],
    )


def daily_rates(store: Store, period: Period) -> tuple[DailyRate, ...]:
    """Thumbs-down share per local day of the period."""
    zone = ZoneInfo(period.timezone)
    votes: dict[date, list[int]] = {day: [0, 0] for day in period.days()}
    for when, kind in store.votes_between(period.start, period.end):
        bucket = votes.setdefault(when.astimezone(zone).date(), [0, 0])
        bucket[0] += 1
        bucket[1] += kind == "down"
    return tuple(DailyRate(day, n, d) for day, (n, d) in votes.items() if day in period.days())


def build_digest(
    store: Store,
    owner: Owner,
    period: Period,
    *,
    failures: Sequence[FailureRecord] | None = None,
    clusterer: Clusterer = default_clusterer,
    top: int = TOP_THEMES,
) -> Digest:
    """Build (and persist the themes of) one owner's digest for one period."""
    assert owner.id is not None
    if failures is None:
        failures = collect_failures(store, period).get(owner.id, [])
    groups = assign_themes(store, owner.id, failures, clusterer)
    visible = [g for g in groups if not _hidden(g, period)]
    summaries = sorted(
        (_summarise(store, group, period) for group in visible),
        key=lambda t: (t.status != "regressed", -t.count, t.theme_id),
    )
    versions = store.downs_by_version(period.start, period.end)
    return Digest(
        owner_id=owner.id,
        owner_name=owner.name,
        owner_slack_id=owner.slack_id,
        period=period,
        counts=counts_for(store, period),
        previous=counts_for(store, period.previous()),
        failures=len(failures),
        themes=tuple(summaries[:top]),
        hidden_themes=len(groups) - min(len(summaries), top),
        by_version=tuple(VersionRate(*row) for row in sorted(versions, key=lambda r: -r[3])),
        daily=daily_rates(store, period),
    )


def _hidden(group: ThemeGroup, period: Period) -> bool:
    theme = group.theme
    snoozed = theme.snoozed_until is not None and as_utc(theme.snoozed_until) >= period.end
    return snoozed or theme.status == "wont_fix"


def _summarise(store: Store, group: ThemeGroup, period: Period) -> ThemeDigest:
    theme, members = group.theme, group.failures
    assert theme.id is not None
    previous = period.previous()
    before = store.theme_counts_between([theme.id], previous.start, previous.end)
    failed_since_fix = bool(
        theme.fixed_at
        and store.theme_counts_between([theme.id], as_utc(theme.fixed_at), period.start)
    )
    return ThemeDigest(
        theme_id=theme.id,
        label=theme.label,
        key_terms=tuple(theme.key_terms),
        count=len(members),
        previous_count=before.get(theme.id, 0),
        status=theme_status(theme, period, members, failed_since_fix),
        top_reason=theme.top_reason,
        assignee=theme.assignee,
        examples=_examples(members),
        corrections=_corrections(store, members),
    )


def _examples(members: Sequence[FailureRecord]) -> tuple[Example, ...]:
    seen: set[str] = set()
    picked = []
    for failure in sorted(members, key=lambda f: f.created_at, reverse=True):
        key = failure.question.strip().lower()
        if key in seen:
            continue
        seen.add(key)
        picked.append(
            Example(failure.question, failure.channel_id, failure.message_ts, failure.reason)
        )
        if len(picked) == EXAMPLES_PER_THEME:
            break
    return tuple(picked)


def _corrections(store: Store, members: Sequence[FailureRecord]) -> tuple[ProposedCorrection, ...]:
    proposed = [f for f in members if f.kind == "correction" and f.correction and f.feedback_id]
    approved = store.approved_feedback_ids([f.feedback_id for f in proposed if f.feedback_id])
    fresh = [f for f in proposed if f.feedback_id not in approved]
    return tuple(
        ProposedCorrection(f.feedback_id or 0, f.question, f.correction or "", f.user_id)
        for f in sorted(fresh, key=lambda f: f.created_at, reverse=True)[:CORRECTIONS_PER_THEME]
    )
