"""Word forms for routing: a small suffix stemmer and the rule for when a topic matches a question.

A topic matches whole words, never substrings: `pay` matches "paid", "pays", "paying",
"payment" and the compounds "payday", "payslip", "payroll", never "repay" or "display". A
topic of several words ("performance review", "wi-fi") matches as a phrase: the same words in
a row, or written as one word ("wifi"). A one-letter slip in a long word ("vacaton") still
matches; a different word that happens to look alike ("location" for "vacation", "raining"
for "training") does not.

No stemmer ships with the installed packages, so this one is small, tested
(tests/test_routing_words.py) and tuned for the short questions people ask at work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel

IRREGULAR = {"paid": "pay", "spent": "spend", "sent": "send", "bought": "buy", "ill": "sick"}
"""Forms no suffix rule reaches; "ill" is how people say sick."""

COMPOUND_TAILS = frozenset(
    {"day", "slip", "roll", "check", "cheque", "time", "card", "list", "form", "mail"}
)
"""Nouns that close English compounds a topic should reach: pay+day, pay+slip, pay+roll."""

TYPO_MIN = 6
"""Only words this long forgive one slip: short words have too many real neighbours."""

_WORD = re.compile(r"[a-z0-9]+")
_PLURAL_ES = ("sses", "xes", "ches", "shes", "zes")
_KEEP_S = ("ss", "us", "is")
_SUFFIXES = (("ment", 3), ("ness", 3), ("ing", 3), ("ed", 3), ("ly", 3), ("er", 4))


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits) in order; punctuation and hyphens split them."""
    return _WORD.findall(text.lower())


def stem(word: str) -> str:
    """The word's stem: plural, then one derivational or inflectional ending, then a final e."""
    word = word.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    word = _singular(word)
    for suffix, shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            word = word[: -len(suffix)]
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2]:
                word = word[:-1]  # travelling -> travel, planned -> plan
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # leave / leaving / leaves -> leav
    return word


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(_PLURAL_ES):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_KEEP_S) and len(word) > 3:
        return word[:-1]
    return word


@dataclass(frozen=True)
class WordMatch:
    """Why a topic matched: the topic as written and the question's words it matched."""

    topic: str
    matched: str
    how: str  # "same word", "word form", "compound", "typo"


def word_match(topic_word: str, word: str) -> str | None:
    """How one topic word matches one question word ("same word", ...), or None."""
    if topic_word == word:
        return "same word"
    wanted, seen = stem(topic_word), stem(word)
    if wanted == seen:
        return "word form"
    if seen.startswith(wanted) and len(wanted) >= 3 and stem(seen[len(wanted) :]) in _TAILS:
        return "compound"
    if _typo(topic_word, word):
        return "typo"
    return None


_TAILS = frozenset(stem(tail) for tail in COMPOUND_TAILS)


def _typo(topic_word: str, word: str) -> bool:
    """One letter added, dropped or two swapped, in a long word, keeping its first two letters."""
    if len(topic_word) < TYPO_MIN or len(word) < TYPO_MIN - 1 or topic_word[:2] != word[:2]:
        return False
    if Indel.distance(topic_word, word) == 1:
        return True
    if len(topic_word) != len(word):
        return False
    diff = [i for i, (a, b) in enumerate(zip(topic_word, word, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and topic_word[diff[0]] == word[diff[1]]


def topic_match(topic: str, question: str) -> WordMatch | None:
    """Whether (and how) a topic matches a question: each topic word in a row, or as one word."""
    wanted, seen = words(topic), words(question)
    if not wanted:
        return None
    joined = "".join(wanted)
    for start in range(len(seen)):
        if len(wanted) > 1 and (how := word_match(joined, seen[start])) is not None:
            return WordMatch(topic, seen[start], how)
        window = seen[start : start + len(wanted)]
        if len(window) < len(wanted):
            continue
        hows = [word_match(w, s) for w, s in zip(wanted, window, strict=True)]
        if all(how is not None for how in hows):
            how = next((h for h in hows if h != "same word"), "same word")
            return WordMatch(topic, " ".join(window), how or "same word")
    return None
