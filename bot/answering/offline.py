"""The offline provider: no key, no network; quotes the best sentences of the retrieved passages.

Like any provider it cites the context's passage numbers ([1] is the top passage, "See also"
names other files by their first passage's number); `answer_question` renumbers them so they
count 1, 2, 3 in the order the sources are listed (bot/answering/citations.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.answering.stem import terms
from bot.answering.synonyms import query_terms
from bot.answering.text import sentences
from bot.answering.types import AnswerRequest, Grounding, Passage

OFFLINE_MODEL = "offline-retrieval"
DONT_KNOW = "I don't know: nothing in the knowledge base covers this."
MAX_SENTENCES = 3


class OfflineAnswerer:
    """Extractive answers: the best-matching sentences of the top passage, cited as [n]."""

    provider = "offline"
    grounding: Grounding = "extractive"

    def __init__(self, model: str = OFFLINE_MODEL) -> None:
        self.model = model

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[str]:
        """Yield the answer a line at a time; says it doesn't know when there is no context."""
        if not request.context:
            yield DONT_KNOW
            return
        words = query_terms(request.question)
        top = request.context[0]
        heading = f", {top.heading}" if top.heading and top.heading != top.title else ""
        yield f"From *{top.title}*{heading} [1]:\n"
        for sentence in best_sentences(top, words):
            yield f"> {sentence}\n"
        also = _see_also(request.context, top.path)
        if also:
            yield f"\nSee also {also}."


def best_sentences(passage: Passage, words: set[str], limit: int = MAX_SENTENCES) -> list[str]:
    """The `limit` sentences sharing most (stemmed) words with the question, in document order."""
    candidates = sentences(passage.text)
    scored = [(len(words & set(terms(s))), i) for i, s in enumerate(candidates)]
    chosen = sorted(i for score, i in sorted(scored, key=lambda p: (-p[0], p[1]))[:limit] if score)
    if not chosen:
        chosen = list(range(min(limit, len(candidates))))
    return [candidates[i] for i in chosen]


def _see_also(context: tuple[Passage, ...], cited_path: str) -> str:
    seen = {cited_path}
    links: list[str] = []
    for n, passage in enumerate(context, start=1):
        if passage.path not in seen:
            seen.add(passage.path)
            links.append(f"*{passage.title}* [{n}]")
    return ", ".join(links[:2])
