"""Verified answers: an owner-approved answer is served verbatim when the question matches it.

A verified answer holds several wordings of its question (its variants). A question matches a
variant when both speak of the same things, read the way retrieval reads them: stemmed content
words, workplace synonyms as one concept (bot/answering/synonyms.py). Precision comes first:
serving an approved answer to another question is worse than serving none, so

- a question concept the variant lacks vetoes the match, unless it is a framing word ("how
  *many*", "per *year*", "*working* from home"): "vacation days for *contractors*" is not
  "vacation days", "parental leave for *adoptions*" is not "parental leave weeks";
- the variant's own concepts must be covered: the weighted share `score` (framing words weigh
  GENERIC_WEIGHT) must reach MATCH_THRESHOLD, so "reset my email password" misses "reset my VPN
  password" and "reset my password" misses it too.

MATCH_THRESHOLD is calibrated by `python -m bench.bench_verified` on the demo's paraphrases and
a near-miss set (tests/test_answering_verified.py holds the bars). Optional checks (the semantic
embedder, the model: bot/answering/verified_checks.py) may then veto a match, never add one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answering.stem import stem
from bot.answering.synonyms import Concept, concepts
from bot.answering.types import VerifiedEntry
from bot.answering.verified_checks import MatchCheck

log = logging.getLogger(__name__)

MATCH_THRESHOLD = 0.75
"""Least weighted share of a variant's concepts the question must cover (bench_verified)."""
MAX_CANDIDATES = 3
"""Candidates offered to the checks, best first, before giving up."""
GENERIC_WEIGHT = 0.1
"""A framing word's weight: it may be missing on either side, but counts a little."""
FAMILY_PREFIX = 6
"""Two stems this long, one starting the other, are one word family ("parent", "parental")."""

GENERIC = frozenset(
    stem(word)
    for word in """many much long often usually normally exactly currently still really
    actually allowed able possible must per year yearly annual annually day daily week weekly
    month monthly time times work working company office forgot forget right correct""".split()
)
"""Words that frame a question without changing its subject."""
_SAME = {stem("daily"): stem("day"), stem("yearly"): stem("year"), stem("weekly"): stem("week"),
         stem("annual"): stem("year"), stem("annually"): stem("year"),
         stem("monthly"): stem("month")}  # fmt: skip


@dataclass(frozen=True)
class VerifiedMatch:
    """The verified entry that answers a question, the variant it matched and how well (0-1)."""

    entry: VerifiedEntry
    score: float
    variant: str = ""


@lru_cache(maxsize=4096)
def question_concepts(text: str) -> tuple[Concept, ...]:
    """The question's concepts as retrieval reads them, with day/daily-style forms joined."""
    found = []
    for concept in concepts(text):
        term = _SAME.get(concept.term, concept.term)
        found.append(Concept(term, frozenset(_SAME.get(s, s) for s in concept.synonyms)))
    return tuple(found)


def _weight(concept: Concept) -> float:
    return GENERIC_WEIGHT if concept.term in GENERIC else 1.0


def _covered(concept: Concept, others: Sequence[Concept]) -> bool:
    mine = set(concept.all_terms)
    if any(mine.intersection(other.all_terms) for other in others):
        return True
    term = concept.term
    return len(term) >= FAMILY_PREFIX and any(
        len(other.term) >= FAMILY_PREFIX
        and (other.term.startswith(term) or term.startswith(other.term))
        for other in others
    )


def variant_score(question: str, variant: str) -> float:
    """How well `question` matches one wording (0-1); 0 when the question adds a subject."""
    asked, known = question_concepts(question), question_concepts(variant)
    if not asked or not known:
        return 0.0
    for concept in asked:
        if _weight(concept) == 1.0 and not _covered(concept, known):
            return 0.0  # the question is about something this wording is not
    # Past the veto the question only adds framing words; what counts is how much of the
    # wording's subject it asks about.
    return sum(_weight(c) for c in known if _covered(c, asked)) / sum(map(_weight, known))


def wordings(entry: VerifiedEntry) -> tuple[str, ...]:
    """Every wording an entry answers: its question, then its variants."""
    return (entry.question, *(v for v in entry.variants if v != entry.question))


def match_verified(
    question: str,
    verified: Sequence[VerifiedEntry],
    *,
    threshold: float = MATCH_THRESHOLD,
    checks: Sequence[MatchCheck] = (),
) -> VerifiedMatch | None:
    """The entry whose best wording scores highest, at least `threshold`; else None.

    Ties go to the newest entry (the higher id): a later approval supersedes an older one.
    Each of `checks` (bot/answering/verified_checks.py) may veto a candidate; the next best is
    then tried, at most MAX_CANDIDATES in all.
    """
    candidates: list[VerifiedMatch] = []
    for entry in verified:
        scored = [(variant_score(question, wording), wording) for wording in wordings(entry)]
        score, wording = max(scored, key=lambda pair: pair[0])
        if score >= threshold:
            candidates.append(VerifiedMatch(entry=entry, score=score, variant=wording))
    candidates.sort(key=lambda m: (m.score, m.entry.id), reverse=True)
    for match in candidates[:MAX_CANDIDATES]:
        if all(_agrees(check, question, match) for check in checks):
            return match
    return None


def _agrees(check: MatchCheck, question: str, match: VerifiedMatch) -> bool:
    verdict = check.agrees(question, wordings(match.entry), match.score)
    if verdict is False:
        log.info("verified answer %s vetoed by the %s check", match.entry.id, check.name)
    return verdict is not False


def verified_line(entry: VerifiedEntry) -> str:
    """The marker shown under a verified answer (with "last checked" once a review is due)."""
    line = f"Verified by {entry.owner}, {entry.verified_on.isoformat()}"
    if entry.last_checked is not None:
        line += f" · last checked {entry.last_checked.isoformat()}"
    return line
