"""Why a theme failed: one bad answer, the pages the failing answers cited, where and for whom."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storage.queries.digest import FailureRecord

CITED_PER_THEME = 3
CHANNELS_PER_THEME = 5
_CITATION = re.compile(r"\s*\[\d+\]")
_QUOTE = re.compile(r"(^|\n)\s*>\s?")
_EMPHASIS = re.compile(r"[*_`~]")


@dataclass(frozen=True)
class ThemeWhy:
    """The evidence a theme's summary shows beside its count."""

    bad_answer: str
    cited: tuple[str, ...]
    channels: tuple[str, ...]
    people: int


def theme_why(members: Sequence[FailureRecord], citations: Mapping[int, Sequence[str]]) -> ThemeWhy:
    """The evidence of one theme's failures (`citations`: answer id -> knowledge paths)."""
    answers = {f.answer_id for f in members}
    cited: Counter[str] = Counter(p for a in answers for p in citations.get(a, ()))
    channels = Counter(f.channel_id for f in members if f.channel_id)
    return ThemeWhy(
        bad_answer=bad_answer(members),
        cited=tuple(path for path, _ in _ranked(cited)[:CITED_PER_THEME]),
        channels=tuple(channel for channel, _ in _ranked(channels)[:CHANNELS_PER_THEME]),
        people=len({f.user_id for f in members}),
    )


def bad_answer(members: Sequence[FailureRecord]) -> str:
    """The answer flagged most often in the theme (reports and corrections before thumbs)."""
    weight = {"report": 3, "correction": 3, "down": 1}
    flagged: Counter[str] = Counter()
    for failure in members:
        text = failure.answer.strip()
        if text and failure.kind in weight:
            flagged[text] += weight[failure.kind]
    return plain_excerpt(_ranked(flagged)[0][0]) if flagged else ""


def plain_excerpt(answer: str) -> str:
    """An answer as one plain line: no quote marks, emphasis or `[1]` citation markers.

    The answer was written as Slack mrkdwn; the digest shows it inside its own formatting, so
    only the words are kept (the renderers still escape them and cut them short).
    """
    text = _QUOTE.sub(r"\1", answer)
    text = _EMPHASIS.sub("", _CITATION.sub("", text))
    return " ".join(text.split())


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most common first; ties in a stable, readable order."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
