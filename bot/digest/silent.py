"""Couldn't answer well: the failures nobody flagged, found in the answers themselves.

Most people never click. An answer still failed when the bot says so itself, or when the asker
shows it by asking again:
- the AI service failed or timed out (`Answer.error`);
- the answer says it doesn't know (the offline answerer's words, or a model's "I don't know");
- no source supported it, or only weakly, or its sources disagree (the confidence line);
- the same person asked it again within REPEAT_WINDOW in the same channel, in the same words or
  a paraphrase (`is_rephrase`); the first answer is the failure.
An answer someone flagged is in the flagged themes already, one with a thumbs up was good
enough for its asker, and a verified answer is the owner's own: none of these is counted here.

An unflagged "sources disagree" answer is found too, but the digest lists its pages under
Knowledge to fix instead (bot/digest/build.py): it was honest, and its fix is the knowledge.

Each answer has one reason (the first that applies, in SilentReason's order). They are routed
to owners like flagged failures and clustered with the same clusterer, but into themes of the
week only (no Theme rows): the owner's action on one is writing the answer
(handlers/digest/propose.py), which becomes a verified answer through the approve flow.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.answering.confidence import NO_SOURCE_LINE, WEAK_LINE
from bot.answering.disagreement import DISAGREE_LINE
from bot.answering.verified import variant_score
from bot.digest.model import Example, SilentTheme
from bot.digest.period import Period
from bot.digest.representative import representative_question, tidy_question
from bot.digest.themes import Clusterer, Labeler, cluster_questions
from bot.owners import OwnerRouter
from bot.vocabulary import SilentReason
from storage import Store
from storage.queries.silent import AnswerSeen

REPEAT_WINDOW = timedelta(minutes=5)
REPEAT_SIMILARITY = 0.6
"""A repeat is a paraphrase by the verified-answer matcher's measure (`variant_score`, either
way round): a follow-up that adds a subject ("can I carry over unused vacation days?" after
"how many vacation days do I get?") is not one. Precision first: rephrasings in other words
entirely ("relocation support?" after "does the company pay for relocation?") are missed."""
TOP_SILENT_THEMES = 3
EXAMPLES_PER_THEME = 3
_DONT_KNOW = re.compile(
    r"\b(i (?:do not|don't|don’t) know|i (?:could not|couldn't|couldn’t|can't|cannot) find"
    r"|nothing in the knowledge base)",
    re.IGNORECASE,
)
DONT_KNOW_HEAD = 240
"""Only the start of an answer is read: a good answer may mention "if you don't know" later."""

TraceLink = Callable[[str | None], str | None]


@dataclass(frozen=True)
class SilentAnswer:
    """One answer nobody flagged that still failed, and why."""

    seen: AnswerSeen
    reason: SilentReason

    @property
    def listed(self) -> bool:
        """Listed under Couldn't answer well; a "sources disagree" answer was honest, and its
        question goes to Knowledge to fix instead (bot/digest/build.py)."""
        return self.reason != SilentReason.DISAGREE


def says_dont_know(answer: str) -> bool:
    """The answer's opening says it doesn't know (or found nothing)."""
    return _DONT_KNOW.search(answer[:DONT_KNOW_HEAD]) is not None


def is_rephrase(first: str, second: str) -> bool:
    """The same question again: the same words, or a paraphrase (REPEAT_SIMILARITY)."""
    if " ".join(first.lower().split()) == " ".join(second.lower().split()):
        return bool(first.strip())
    score = max(variant_score(first, second), variant_score(second, first))
    return score >= REPEAT_SIMILARITY


def own_reason(seen: AnswerSeen) -> SilentReason | None:
    """Why the answer failed by its own account, or None when it claims support."""
    if seen.error is not None:
        return SilentReason.ERROR
    if says_dont_know(seen.answer):
        return SilentReason.DONT_KNOW
    by_line = {
        NO_SOURCE_LINE: SilentReason.NO_SOURCE,
        WEAK_LINE: SilentReason.WEAK,
        DISAGREE_LINE: SilentReason.DISAGREE,
    }
    for line, reason in by_line.items():  # a line may carry a suffix ("(estimated)")
        if seen.confidence_line.startswith(line):
            return reason
    return None


def silent_answers(answers: Sequence[AnswerSeen]) -> list[SilentAnswer]:
    """The answers among `answers` (one period's, by asker and time) that failed unflagged."""
    found: list[SilentAnswer] = []
    for index, seen in enumerate(answers):
        if seen.flagged or seen.liked or (seen.verified and seen.error is None):
            continue
        reason = own_reason(seen)
        if reason is None and _asked_again(seen, answers[index + 1 :]):
            reason = SilentReason.ASKED_AGAIN
        if reason is not None:
            found.append(SilentAnswer(seen, reason))
    return found


def _asked_again(seen: AnswerSeen, later: Sequence[AnswerSeen]) -> bool:
    """The same person asked it again in the same channel within REPEAT_WINDOW of the answer
    (or before it was finished), whatever else they asked in between."""
    for then in later:
        if then.user_id != seen.user_id or then.asked_at - seen.answered_at > REPEAT_WINDOW:
            return False
        if (
            then.channel_id == seen.channel_id
            and then.asked_at > seen.asked_at
            and is_rephrase(seen.question, then.question)
        ):
            return True
    return False


def collect_silent(store: Store, period: Period) -> dict[int, list[SilentAnswer]]:
    """The period's unflagged failures, routed to the current owners (unowned: dropped)."""
    routed: dict[int, list[SilentAnswer]] = defaultdict(list)
    router = OwnerRouter(store.list_owners())
    for silent in silent_answers(store.answers_seen_between(period.start, period.end)):
        owner_id = router.owner_id(silent.seen.channel_id, silent.seen.question)
        if owner_id is not None:
            routed[owner_id].append(silent)
    return dict(routed)


def silent_themes(
    answers: Sequence[SilentAnswer],
    clusterer: Clusterer,
    labeler: Labeler | None = None,
    trace_link: TraceLink | None = None,
    *,
    labelled: int = TOP_SILENT_THEMES,
) -> list[SilentTheme]:
    """The owner's unflagged failures as themes, largest first. Only the first `labelled` (the
    ones the digest shows) get a model-written label: a label costs a model call."""
    if not answers:
        return []
    clusters = []
    for cluster, members in cluster_questions(answers, lambda s: s.seen.question, clusterer):
        questions = [m.seen.question.strip() for m in members]
        label = representative_question(cluster.key_terms, questions) or cluster.label
        clusters.append((cluster, questions, _theme(tidy_question(label), members, trace_link)))
    clusters.sort(key=lambda item: (-item[2].count, -item[2].people, item[2].label))
    themes = []
    for rank, (cluster, questions, theme) in enumerate(clusters):
        written = None
        if labeler is not None and rank < labelled:
            written = labeler(cluster.key_terms, list(dict.fromkeys(questions)))
        themes.append(replace(theme, label=written[:255]) if written else theme)
    return themes


def _theme(
    label: str, members: Sequence[SilentAnswer], trace_link: TraceLink | None
) -> SilentTheme:
    newest = sorted(members, key=lambda m: (m.seen.answered_at, m.seen.answer_id), reverse=True)
    reasons = Counter(m.reason for m in members)
    examples: list[Example] = []
    shown: set[str] = set()
    for member in newest:
        seen = member.seen
        key = " ".join(seen.question.lower().split())
        if key in shown:
            continue
        shown.add(key)
        link = trace_link(seen.trace_id) if trace_link is not None else None
        examples.append(Example(seen.question, seen.channel_id, seen.message_ts, member.reason,
                                link))  # fmt: skip
        if len(examples) == EXAMPLES_PER_THEME:
            break
    return SilentTheme(
        label=label[:255],
        count=len(members),
        people=len({m.seen.user_id for m in members}),
        reasons=tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        examples=tuple(examples),
        answer_ids=tuple(dict.fromkeys(m.seen.answer_id for m in newest)),
    )
