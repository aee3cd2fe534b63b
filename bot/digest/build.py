"""Building digests: a period's failures, routed to owners, clustered into themes, summarised."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.digest.activity import Activity, activity_by_owner
from bot.digest.knowledge_to_fix import KnowledgeDates, documents_to_fix, pages_that_disagree
from bot.digest.model import (
    DailyRate,
    Digest,
    Example,
    FixConfirmation,
    ProposedCorrection,
    ThemeDigest,
)
from bot.digest.past_fixes import past_fixes
from bot.digest.period import Period
from bot.digest.silent import TOP_SILENT_THEMES, SilentAnswer, collect_silent, silent_themes
from bot.digest.themes import (
    Clusterer,
    Labeler,
    ThemeGroup,
    assign_themes,
    default_clusterer,
    theme_status,
)
from bot.digest.why import theme_why
from bot.owners import OwnerRouter
from bot.vocabulary import HandoffStatus
from storage import Store
from storage.models import Owner
from storage.queries.base import as_utc
from storage.queries.digest import FailureRecord
from storage.queries.silent import AnswerSeen

TraceLink = Callable[[str | None], str | None]
"""An answer's trace id -> its page in the team's tracing tool, or None."""
TOP_THEMES = 5
EXAMPLES_PER_THEME = 3
CORRECTIONS_PER_THEME = 2


def route_failures(
    owners: Sequence[Owner], failures: Sequence[FailureRecord]
) -> dict[int, list[FailureRecord]]:
    """Each failure to exactly one owner (by channel, topic, default); unowned ones are dropped."""
    routed: dict[int, list[FailureRecord]] = defaultdict(list)
    router = OwnerRouter(owners)
    for failure in failures:
        owner_id = router.owner_id(failure.channel_id, failure.question)
        if owner_id is not None:
            routed[owner_id].append(failure)
    return dict(routed)


def collect_failures(store: Store, period: Period) -> dict[int, list[FailureRecord]]:
    """The period's failures, routed to the current owners."""
    failures = store.failures_between(period.start, period.end)
    return route_failures(store.list_owners(), failures)


def daily_rates(activity: Activity, period: Period) -> tuple[DailyRate, ...]:
    """Thumbs-down share of the thumbs given on each local day of the period."""
    zone = ZoneInfo(period.timezone)
    votes: dict[date, list[int]] = {day: [0, 0] for day in period.days()}
    for when, kind in activity.votes:
        bucket = votes.get(when.astimezone(zone).date())
        if bucket is not None:
            bucket[0] += 1
            bucket[1] += kind == "down"
    return tuple(DailyRate(day, n, d) for day, (n, d) in votes.items())


def build_digest(
    store: Store,
    owner: Owner,
    period: Period,
    *,
    failures: Sequence[FailureRecord] | None = None,
    activity: Mapping[int, Activity] | None = None,
    previous_activity: Mapping[int, Activity] | None = None,
    clusterer: Clusterer = default_clusterer,
    labeler: Labeler | None = None,
    top: int = TOP_THEMES,
    knowledge: KnowledgeDates | None = None,
    trace_link: TraceLink | None = None,
    silent: SilentMaps | None = None,
) -> Digest:
    """Build (and persist the themes of) one owner's digest for one period.

    `failures` and the two activity maps may be passed in when building every owner's digest,
    so the period is read and routed once rather than once per owner. `labeler` writes theme
    labels (bot.digest.labeling); without it themes are labelled by their key terms.
    `knowledge` says when each knowledge page was updated (bot.digest.knowledge_to_fix), so
    "Knowledge to fix" can mark stale pages; without it no page is marked stale.
    `trace_link` turns an answer's trace id into a link (LASTMILE_TRACE_URL) for its examples.
    `silent`: the period's and the previous period's unflagged failures, routed (read here when
    not given), for "Couldn't answer well" (bot/digest/silent.py).
    """
    assert owner.id is not None
    if failures is None:
        failures = collect_failures(store, period).get(owner.id, [])
    if activity is None:
        activity = activity_by_owner(store, period)
    if previous_activity is None:
        previous_activity = activity_by_owner(store, period.previous())
    mine = activity.get(owner.id, Activity())
    groups = assign_themes(store, owner.id, failures, clusterer, labeler)
    if silent is None:
        silent = silent_maps(store, period)
    routed_silent = silent.now.get(owner.id, [])
    # An unflagged answer that said its sources disagree was honest: its fix is the knowledge
    # (Knowledge to fix, below), not an answer, so it is not in Couldn't answer well.
    unflagged = [s for s in routed_silent if s.listed]
    disagreeing = [s.seen for s in routed_silent if not s.listed]
    # After the flagged themes, so their labels come first in the run's label budget.
    silent_groups = silent_themes(unflagged, clusterer, labeler, trace_link)
    visible = [g for g in groups if not _hidden(g, period)]
    citations = store.answer_citations([f.answer_id for f in failures])
    summaries = sorted(
        (_summarise(store, group, period, citations, trace_link) for group in visible),
        key=lambda t: (t.status != "regressed", -t.count, t.theme_id),
    )
    return Digest(
        owner_id=owner.id,
        owner_name=owner.name,
        owner_slack_id=owner.slack_id,
        period=period,
        counts=mine.counts,
        previous=previous_activity.get(owner.id, Activity()).counts,
        failures=len(failures),
        themes=tuple(summaries[:top]),
        hidden_themes=len(groups) - min(len(summaries), top),
        by_version=mine.by_version(),
        daily=daily_rates(mine, period),
        fixes=tuple(
            FixConfirmation(*row) for row in store.fix_followups(owner.id, period.start, period.end)
        ),
        knowledge=documents_to_fix(
            citations, mine.citations, knowledge or KnowledgeDates(), period.days()[-1]
        ),
        conflicts=pages_that_disagree(
            _newest_first(failures, disagreeing),
            knowledge.index if knowledge is not None else None,
        ),
        past_fixes=past_fixes(store, owner.id, period),
        silent=tuple(silent_groups[:TOP_SILENT_THEMES]),
        silent_count=len(unflagged),
        previous_silent=sum(s.listed for s in silent.before.get(owner.id, [])),
        hidden_silent=max(0, len(silent_groups) - TOP_SILENT_THEMES),
    )


@dataclass(frozen=True)
class SilentMaps:
    """A period's and the previous period's unflagged failures, routed, read once for all."""

    now: Mapping[int, Sequence[SilentAnswer]]
    before: Mapping[int, Sequence[SilentAnswer]]


def silent_maps(store: Store, period: Period) -> SilentMaps:
    """Read both periods' unflagged failures."""
    return SilentMaps(collect_silent(store, period), collect_silent(store, period.previous()))


def _newest_first(
    failures: Sequence[FailureRecord], disagreeing: Sequence[AnswerSeen]
) -> list[str]:
    """The questions to look for conflicting pages behind, newest first."""
    asked = [(f.created_at, f.question) for f in failures]
    asked += [(seen.answered_at, seen.question) for seen in disagreeing]
    return [question for _, question in sorted(asked, key=lambda item: item[0], reverse=True)]


def _hidden(group: ThemeGroup, period: Period) -> bool:
    theme = group.theme
    snoozed = theme.snoozed_until is not None and as_utc(theme.snoozed_until) >= period.end
    return snoozed or theme.status == "wont_fix"


def _summarise(
    store: Store,
    group: ThemeGroup,
    period: Period,
    citations: Mapping[int, Sequence[str]],
    trace_link: TraceLink | None = None,
) -> ThemeDigest:
    theme, members = group.theme, group.failures
    assert theme.id is not None
    previous = period.previous()
    before = store.theme_counts_between([theme.id], previous.start, previous.end)
    failed_since_fix = bool(
        theme.fixed_at
        and store.theme_counts_between([theme.id], as_utc(theme.fixed_at), period.start)
    )
    why = theme_why(members, citations)
    handoffs = store.handoffs_for_answers(sorted({f.answer_id for f in members}))
    return ThemeDigest(
        theme_id=theme.id,
        label=theme.label,
        key_terms=tuple(theme.key_terms),
        count=len(members),
        previous_count=before.get(theme.id, 0),
        status=theme_status(theme, period, members, failed_since_fix),
        top_reason=theme.top_reason,
        assignee=theme.assignee,
        examples=_examples(members, trace_link),
        corrections=_corrections(store, members),
        bad_answer=why.bad_answer,
        cited=why.cited,
        channels=why.channels,
        people=why.people,
        handoffs=len(handoffs),
        handoffs_open=sum(h.status != HandoffStatus.RESOLVED for h in handoffs),
    )


def _examples(
    members: Sequence[FailureRecord], trace_link: TraceLink | None = None
) -> tuple[Example, ...]:
    seen: set[str] = set()
    picked = []
    for failure in sorted(members, key=lambda f: f.created_at, reverse=True):
        key = failure.question.strip().lower()
        if key in seen:
            continue
        seen.add(key)
        link = trace_link(failure.trace_id) if trace_link is not None else None
        picked.append(
            Example(failure.question, failure.channel_id, failure.message_ts, failure.reason, link)
        )
        if len(picked) == EXAMPLES_PER_THEME:
            break
    return tuple(picked)


def _corrections(store: Store, members: Sequence[FailureRecord]) -> tuple[ProposedCorrection, ...]:
    proposed = [f for f in members if f.kind == "correction" and f.correction and f.feedback_id]
    approved = store.approved_feedback_ids([f.feedback_id for f in proposed if f.feedback_id])
    fresh, seen = [], set()
    for failure in sorted(proposed, key=lambda f: f.created_at, reverse=True):
        text = " ".join((failure.correction or "").lower().split())
        if failure.feedback_id not in approved and text not in seen:
            seen.add(text)  # the same right answer proposed twice is one proposal
            fresh.append(failure)
    return tuple(
        ProposedCorrection(f.feedback_id or 0, f.question, f.correction or "", f.user_id)
        for f in fresh[:CORRECTIONS_PER_THEME]
    )
