"""Sources that disagree: two knowledge files stating different values for the same thing.

Offline, from the passages alone: for a question, the sentence of each retrieved file that best
matches it is read for quantities (a number with a unit: days, weeks, months, hours, amounts in
a currency, percentages). Two files conflict when their best sentences share the question's
subject (enough content words in common besides the unit) and state the same unit with a
different value: "20 vacation days per year" (handbook, 2019) against "25 days of paid annual
leave per calendar year" (leave policy, 2025). The newer file, by its `updated:` date, is the
one to prefer. Precision comes first: a pair that does not clearly talk about the same thing is
not called a conflict. Measured in bench/bench_conflicts.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.answering.knowledge import Hit
from bot.answering.stem import terms
from bot.answering.synonyms import Concept, concepts, query_terms
from bot.answering.text import sentences
from bot.answering.types import Passage
from bot.answering.verified import GENERIC as FRAMING

RIVAL_SHARE = 0.3
"""Only files scoring at least this share of the top hit are compared (weaker ones are noise)."""
SHARED_TERMS = 1
"""Content words (unit words aside) the two sentences must share besides the question's."""
_UNITS = {
    "day": "day", "days": "day", "working day": "working day", "working days": "working day",
    "business day": "working day", "business days": "working day",
    "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year", "hour": "hour", "hours": "hour", "minute": "minute",
    "minutes": "minute", "night": "night", "nights": "night",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR", "usd": "USD", "$": "USD",
    "dollar": "USD", "dollars": "USD", "gbp": "GBP", "£": "GBP", "pound": "GBP",
    "pounds": "GBP", "%": "%", "percent": "%", "per cent": "%",
    "character": "character", "characters": "character",
}  # fmt: skip
_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS if u.isalpha() or " " in u), key=len,
                        reverse=True))  # fmt: skip
_NUMBER = r"\d{1,3}(?:[,.]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?"
_BETWEEN = r"(?:(?!(?:a|an|per|each|every|the|in|of)\b)[a-z][a-z-]*\s+){0,2}?"
"""Up to two words between a number and its unit ("20 vacation days"), but not "1,000 a year"."""
_AFTER = re.compile(
    rf"(?<![\w.,])({_NUMBER})\s*{_BETWEEN}(%|€|\b(?:{_UNIT})\b)", re.IGNORECASE
)  # "25 days", "20 vacation days", "10 paid sick days": up to two words between
_BEFORE = re.compile(rf"(€|\$|£|\b(?:EUR|USD|GBP)\b)\s?({_NUMBER})(?![\w.,]*\d)", re.IGNORECASE)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip
_WORD_NUMBER = re.compile(rf"\b({'|'.join(_WORDS)})\s+{_BETWEEN}(\b(?:{_UNIT})\b)", re.IGNORECASE)
UNIT_TERMS = frozenset(terms(" ".join(u for u in _UNITS if u.isalpha())))
"""Stems of unit words ("day", "eur"); not "work" of "working days", a word like any other."""
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")
"""A capitalised word inside a sentence: a place, team or tool ("in London", "for Contractors")."""
_NOT_NAMES = frozenset(
    """January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split()
)


@dataclass(frozen=True)
class Quantity:
    """A value and its unit as a sentence states it ("25 days": 25.0, "day")."""

    value: float
    unit: str
    text: str
    bound: str = ""  # "cap" (up to), "floor" (at least, after), "window" (within) or ""


@dataclass(frozen=True)
class Claim:
    """What one file says: its best sentence for the question and the quantity in it."""

    passage: Passage
    sentence: str
    quantity: Quantity

    @property
    def updated(self) -> date | None:
        """The file's `updated:` date, when it gives a readable one."""
        return self.passage.updated_date


@dataclass(frozen=True)
class Conflict:
    """Two files disagreeing; `newer` is the one to prefer (by `updated:`), `older` the other."""

    newer: Claim
    older: Claim

    @property
    def dated(self) -> bool:
        """True when the dates tell which is newer (else `newer` is just the better match)."""
        new, old = self.newer.updated, self.older.updated
        return new is not None and old is not None and new > old  # an undated page: unknown


def quantities(sentence: str) -> list[Quantity]:
    """Every number-with-unit in a sentence, in order, with the bound before it."""
    found: list[tuple[int, float, str, str]] = []
    currency_numbers = set()
    for match in _BEFORE.finditer(sentence):
        unit = _UNITS[match.group(1).lower()]
        found.append((match.start(), _float(match.group(2)), unit, match.group(0)))
        currency_numbers.add(match.start(2))
    for match in _AFTER.finditer(sentence):
        if match.start(1) in currency_numbers:
            continue  # "€40 per ride": the number is already an amount
        unit = _UNITS[match.group(2).lower()]
        found.append((match.start(), _float(match.group(1)), unit, match.group(0)))
    for match in _WORD_NUMBER.finditer(sentence):
        unit = _UNITS[match.group(2).lower()]
        found.append((match.start(), float(_WORDS[match.group(1).lower()]), unit, match.group(0)))
    return [
        Quantity(value, unit, text, _bound(sentence[:start]))
        for start, value, unit, text in sorted(found, key=lambda item: item[0])
    ]


_BOUNDS = (
    ("cap", re.compile(r"\b(up to|at most|no more than|maximum( of)?|max\.?|until)\s*$", re.I)),
    ("floor", re.compile(r"\b(at least|minimum( of)?|after|more than|over)\s*$", re.I)),
    ("window", re.compile(r"\b(within|before|in the first)\s*$", re.I)),
)


def _bound(before: str) -> str:
    """What the words just before a quantity make of it: a cap, a floor, a window, or a value.

    "after 3 days of sick leave" (when a note is due) is not "up to 30 days" (how many are paid).
    """
    for name, pattern in _BOUNDS:
        if pattern.search(before):
            return name
    return ""


def _float(text: str) -> float:
    if re.fullmatch(r"\d{1,3}([,.]\d{3})+", text):  # 1,000 and 1.000 are a thousand
        return float(text.replace(",", "").replace(".", ""))
    return float(text.replace(",", "."))  # 12,5 is twelve and a half


def find_conflict(question: str, hits: Sequence[Hit]) -> Conflict | None:
    """The first pair of retrieved files whose best sentences disagree on a quantity."""
    if len(hits) < 2:
        return None
    words = query_terms(question)
    wanted = concepts(question)
    top_score = hits[0].score
    claims: list[tuple[Passage, str, list[Quantity]]] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.passage.path in seen or hit.score < RIVAL_SHARE * top_score:
            continue
        seen.add(hit.passage.path)
        sentence = _best_sentence(hit.passage, words)
        if sentence:
            claims.append((hit.passage, sentence, quantities(sentence)))
    claims = [claim for claim in claims if claim[2]]
    for i, (first, first_text, first_values) in enumerate(claims):
        for second, second_text, second_values in claims[i + 1 :]:
            if _about(first, first_text, wanted) != _about(second, second_text, wanted):
                continue  # "the home office budget" is not "the learning budget"
            if _misses(first_text, wanted) > 1 or _misses(second_text, wanted) > 1:
                continue  # neither says what was asked: "notice" before leave, not its length
            pair = _disagreement(first_text, first_values, second_text, second_values, wanted)
            if pair is not None and _period(first_text) == _period(second_text):
                one, two = Claim(first, first_text, pair[0]), Claim(second, second_text, pair[1])
                return _ordered(one, two)
    return None


def _about(passage: Passage, sentence: str, question: list[Concept]) -> frozenset[str]:
    """The question's words a claim is about: in its sentence, its page's title or heading."""
    said = set(terms(f"{passage.title} {passage.heading} {sentence}"))
    return frozenset(
        c.term for c in question if c.term not in FRAMING and said & set(c.all_terms) - UNIT_TERMS
    )  # "per", "daily", "many" frame a question; one page saying "per day" is no other subject


def _misses(sentence: str, question: list[Concept]) -> int:
    """The question's subject words (framing and units aside) a sentence does not say."""
    said = set(terms(sentence))
    subjects = [set(c.all_terms) - UNIT_TERMS for c in question if c.term not in FRAMING]
    return sum(1 for subject in subjects if subject and not subject & said)


def _best_sentence(passage: Passage, words: set[str]) -> str:
    scored = [(len(words & set(terms(s))), s) for s in sentences(passage.text)]
    best = max(scored, key=lambda pair: pair[0], default=(0, ""))
    return best[1] if best[0] else ""


def _disagreement(
    first: str, first_values: list[Quantity], second: str, second_values: list[Quantity],
    question: list[Concept],
) -> tuple[Quantity, Quantity] | None:  # fmt: skip
    if not first_values or not second_values:
        return None
    one, two = set(terms(first)) - UNIT_TERMS, set(terms(second)) - UNIT_TERMS
    # Both sentences are about one word of the question, each in its own words ("vacation",
    # "leave": synonyms), and say it of the same things ("employees").
    subjects = [set(c.all_terms) - UNIT_TERMS for c in question]
    common = [subject for subject in subjects if subject & one and subject & two]
    if not common:
        return None
    # They must share more than the question's one word: a training budget and a travel budget
    # only share "budget"; "employees get" 20 or 25 days of leave share "employees".
    shared = one & two
    if len(shared) < 2 and not shared - set().union(*common):
        return None
    # A name only one side gives narrows it ("hotels in London"): a scope, not a contradiction.
    if (_names(first) ^ _names(second)) - _NOT_NAMES:
        return None
    for a in first_values:
        same_unit = [b for b in second_values if b.unit == a.unit and b.bound == a.bound]
        if not same_unit:
            continue
        if any(b.value == a.value for b in same_unit):
            continue  # they agree on this unit: no conflict here
        return a, same_unit[0]
    return None


_PERIOD = re.compile(
    r"\b(?:(?:per|a|an|each|every)\s+(day|week|month|year|night)|(daily|weekly|monthly|yearly|"
    r"annual|annually))\b",
    re.IGNORECASE,
)
_PERIOD_WORDS = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
                 "annual": "year", "annually": "year"}  # fmt: skip


def _period(sentence: str) -> str:
    """The period a value is given for ("50 EUR per month"); "" when the sentence gives none.

    "50 EUR a month" and "600 EUR a year" are the same allowance, not a contradiction.
    """
    match = _PERIOD.search(sentence)
    if match is None:
        return ""
    word = (match.group(1) or match.group(2)).lower()
    return _PERIOD_WORDS.get(word, word)


def _names(sentence: str) -> set[str]:
    return set(_NAME.findall(sentence))


def _ordered(one: Claim, two: Claim) -> Conflict:
    """Newer first when both are dated; else the better match first (`dated` is then False)."""
    if one.updated is not None and two.updated is not None and two.updated > one.updated:
        return Conflict(newer=two, older=one)
    return Conflict(newer=one, older=two)
