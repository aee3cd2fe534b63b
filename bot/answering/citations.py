"""Citation numbers that match the sources list: `[n]` in an answer is the n-th listed source.

Providers cite the numbered passages they were given (`<passage id="n">`), but the answer lists
*files*, only the cited ones, in the order they are first cited. So passage numbers are rewritten
as the answer streams: the first cited file becomes [1], the next new file [2], and a second
passage of an already cited file gets that file's number. Numbers outside the context are left
alone, and so is `name[1]` (a word or `)` right before the bracket: code, not a citation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.answering.types import (
    Answerer,
    AnswerFacts,
    AnswerRequest,
    Grounding,
    Passage,
    Source,
    StreamItem,
)

CITATION = re.compile(r"(?<![\w)])\[(\d{1,2})\]")
_OPEN_TAIL = re.compile(r"\[\d{0,2}$")


class CitationNumbers:
    """Renumbers the citations of one answer, chunk by chunk; `sources` in number order."""

    def __init__(self, context: Sequence[Passage]) -> None:
        self.context = tuple(context)
        self.reset()

    def reset(self) -> None:
        """Forget everything: a retried attempt starts numbering again."""
        self._numbers: dict[str, int] = {}
        self.sources: list[Source] = []
        self._pending = ""
        self._before = ""  # the last character already released, for the look-behind

    def feed(self, chunk: str) -> str:
        """The chunk renumbered; an unfinished `[1` at its end waits for the next chunk."""
        text = self._pending + chunk
        tail = _OPEN_TAIL.search(text)
        cut = tail.start() if tail else len(text)
        self._pending = text[cut:]
        return self._release(text[:cut])

    def flush(self) -> str:
        """Whatever was held back, at the end of the answer."""
        text, self._pending = self._pending, ""
        return self._release(text)

    def _release(self, text: str) -> str:
        if not text:
            return ""
        renumbered = CITATION.sub(self._renumber, self._before + text)[len(self._before) :]
        self._before = text[-1]
        return renumbered

    def _renumber(self, match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(self.context):
            return match.group(0)
        passage = self.context[n - 1]
        if passage.path not in self._numbers:
            self._numbers[passage.path] = len(self._numbers) + 1
            self.sources.append(Source.of(passage))
        return f"[{self._numbers[passage.path]}]"


def renumber(text: str, context: Sequence[Passage]) -> tuple[str, list[Source]]:
    """A whole answer renumbered, and the files it cites in number order."""
    numbers = CitationNumbers(context)
    return numbers.feed(text) + numbers.flush(), numbers.sources


class RenumberedAnswerer:
    """Wraps a provider so every chunk it streams is already renumbered by `numbers`."""

    def __init__(self, inner: Answerer, numbers: CitationNumbers) -> None:
        self.inner = inner
        self.numbers = numbers
        self.provider = inner.provider
        self.model = inner.model
        self.grounding: Grounding = inner.grounding

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[StreamItem]:
        """The inner stream, renumbered; a service's facts pass through. A failed attempt's
        held-back `[1` (3 chars at most) is dropped rather than sent, so a retry is still
        possible when nothing else was streamed."""
        self.numbers.reset()
        for chunk in self.inner.stream(request, timeout_s=timeout_s):
            if isinstance(chunk, AnswerFacts):
                yield chunk
                continue
            released = self.numbers.feed(chunk)
            if released:
                yield released
        tail = self.numbers.flush()
        if tail:
            yield tail
