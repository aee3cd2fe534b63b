"""Workplace synonyms, applied to questions only: "time off" finds the leave policy.

Knowledge pages use one word for a thing ("leave", "laptop", "passphrase") while people ask with
another ("time off", "computer", "password"). Each question word becomes a `Concept`: its stem
plus the stems of its synonyms. A passage that has the word itself covers the concept fully; one
that only has a synonym covers it at `SYNONYM_CREDIT`, so an exact match still ranks first and a
synonym-only answer is a little less confident. The table is small on purpose: every group is an
everyday workplace equivalence, not a guess; extend it when the digest shows people asking with
words the knowledge doesn't use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.answering.stem import stem, terms

SYNONYM_CREDIT = 0.8

PHRASES: tuple[tuple[str, str], ...] = (
    (r"\b(?:paid\s+)?(?:time|days?)\s+off\b", "leave"),
    (r"\bwfh\b", "remote"),
)
"""Multi-word expressions rewritten before tokenising (`off` alone is a stop word)."""

GROUPS: tuple[tuple[str, ...], ...] = (
    ("leave", "vacation", "holiday", "pto"),
    ("laptop", "computer", "notebook", "pc", "macbook"),
    ("password", "passphrase", "passcode"),
    ("expense", "reimburse", "reimbursement", "refund"),
    ("taxi", "cab", "uber"),
    ("salary", "paycheck", "wage", "wages"),
    ("sick", "ill", "illness", "sickness", "unwell"),
    ("baggage", "luggage", "suitcase"),
    ("guest", "visitor"),
    ("supplier", "vendor"),
    ("software", "app", "application", "program"),
    ("training", "course", "learning"),
    ("monitor", "screen", "display"),
    ("email", "mail", "inbox"),
    ("parental", "maternity", "paternity"),
    ("pension", "retirement"),
    ("gym", "fitness", "sport"),
    ("stolen", "stole", "steal", "theft"),
    ("hotel", "accommodation", "lodging"),
    ("flight", "fly", "plane", "airfare"),
    ("manager", "boss", "supervisor"),
    ("payslip", "paystub"),
    ("wifi", "wireless", "wlan"),
    ("print", "printer"),
    ("cost", "price"),
)
"""Each group: words that mean the same thing in a workplace question."""

ALSO: tuple[tuple[str, tuple[str, ...]], ...] = (("request", ("apply", "book", "order")),)
"""One-way expansions: asking to "request" something is booking/ordering/applying for it, but a
question about a "book" or an "order" is not about requests."""


@dataclass(frozen=True)
class Concept:
    """One question word: its stem and the stems of its synonyms (may be empty)."""

    term: str
    synonyms: frozenset[str] = frozenset()

    @property
    def all_terms(self) -> tuple[str, ...]:
        """The word first, then its synonyms in a stable order."""
        return (self.term, *sorted(self.synonyms - {self.term}))


@cache
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for group in GROUPS:
        stems = frozenset(stem(word) for word in group)
        for word in stems:
            table[word] = table.get(word, frozenset()) | stems
    for word, extra in ALSO:
        table[stem(word)] = table.get(stem(word), frozenset()) | {stem(w) for w in extra}
    return table


def rewrite_phrases(question: str) -> str:
    """The question lowercased, with multi-word expressions replaced by one word."""
    text = question.lower()
    for pattern, replacement in PHRASES:
        text = re.sub(pattern, replacement, text)
    return text


def concepts(question: str) -> list[Concept]:
    """The question's distinct concepts, in order; a word already covered by an earlier synonym
    group ("laptop or computer") adds nothing."""
    table = _table()
    found: list[Concept] = []
    seen: set[str] = set()
    for term in terms(rewrite_phrases(question)):
        if term in seen:
            continue
        synonyms = table.get(term, frozenset())
        seen |= synonyms | {term}
        found.append(Concept(term, synonyms - {term}))
    return found


def query_terms(question: str) -> set[str]:
    """Every stem a passage may use for the question's words, synonyms included."""
    return {term for concept in concepts(question) for term in concept.all_terms}
