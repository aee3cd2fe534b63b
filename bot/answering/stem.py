"""A light English stemmer for retrieval: the same rules index the knowledge and read questions.

Written by hand rather than taken from PyPI: it is a dozen deterministic rules (plural -s/-es/
-ies, -ed, -ing, a final -e, a doubled final consonant, Porter2's y -> i), it only ever shortens
a word, and it leaves alone -ing nouns that would collide with other words in workplace text
("training" is not "train", a "meeting" room is not "meet"). A full Porter/Snowball stemmer
(e.g. the `snowballstemmer` package) also strips -ment, -ness, -al, -ive, -ous..., which joins
unrelated words ("university"/"universe") in a small folder, and adds a dependency for little
gain on short employee questions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.answering.text import STOP_WORDS

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_COMPOUND = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_VOWEL = re.compile(r"[aeiouy]")
_KEEP = frozenset(
    """news training meeting evening morning wedding ceiling anything everything nothing
    something thing spring string bring during""".split()
)
"""Words that look inflected but are not (or whose stem is another word)."""


@lru_cache(maxsize=65_536)  # a folder's vocabulary is small next to its word count
def stem(word: str) -> str:
    """The stem of one lowercase word: `taxis`, `taxi` -> `taxi`; `booked`, `booking` -> `book`."""
    if len(word) <= 3 or word in _KEEP or not word.isalpha():
        return word
    word = _strip_plural(word)
    word = _strip_verb_ending(word)
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]  # close/closed/closing all end up as `clos`
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousy":
        word = word[:-1]  # submitted -> submitt -> submit; travelled -> travell -> travel
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        word = word[:-1] + "i"  # policy/policies, apply/applied meet at `polici`, `appli`
    return word


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-2]  # policies -> polici, like policy
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> str:
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("eed"):
        return word[:-1] if len(word) > 4 else word  # agreed -> agree, but feed stays
    for ending in ("ed", "ing"):
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= 3 and _VOWEL.search(base):
            return base
    return word


def terms(text: str) -> list[str]:
    """Stemmed content words of `text`, in order, plus each hyphenated compound joined up.

    `Wi-Fi` gives `wi`, `fi` and `wifi`, so both spellings of a compound find each other.
    """
    lowered = text.lower()
    words = [w.split("'")[0].split("’")[0] for w in _WORD.findall(lowered)]
    found = [stem(w) for w in words if w and w not in STOP_WORDS]
    if "-" in lowered:
        found += [stem(c.replace("-", "")) for c in _COMPOUND.findall(lowered)]
    return found
