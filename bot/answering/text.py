"""Tokenising: lowercase words, no stop words, plurals folded (verified-answer matching, the demo).

Retrieval stems on top of the same stop words: bot/answering/stem.py.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_LIST_ITEM = re.compile(r"([-*+]|\d+[.)])\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`*_(\"])")

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just let me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves please hi hello hey thanks thank anyone know tell get got need
    want way ok okay aren isn don doesn didn won wasn weren haven hasn cannot
    shouldn couldn wouldn""".split()
)


def fold(word: str) -> str:
    """Fold simple English plurals so `laptops` matches `laptop`."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Content words of `text`, in order, with repeats."""
    words = (w.split("'")[0].split("’")[0] for w in _WORD.findall(text.lower()))
    return [fold(w) for w in words if w and w not in STOP_WORDS]


def sentences(text: str) -> list[str]:
    """Split Markdown prose into sentences and list items, re-joining hard-wrapped lines."""
    pieces: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        joined = " ".join(prose)
        pieces.extend(s for s in _SENTENCE_END.split(joined) if s)
        prose.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or _LIST_ITEM.match(line):
            flush()
            if line:
                pieces.append(line)
        else:
            prose.append(line)
    flush()
    return pieces
