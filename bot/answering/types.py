"""The answering vocabulary: requests, outcomes, sources and the `Answerer` protocol."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from bot.answering.prompt import Prompt

Clock = Callable[[], float]
"""Monotonic seconds; injected so latency and deadlines are testable."""

Grounding = Literal["llm", "extractive", "service"]
"""How an answer is made: a model over lastmile's passages, quotes of them (offline), or the
company's own service (the `http` provider), which brings its own sources and may ignore ours."""

MAX_QUESTION_CHARS = 4_000
UNVERSIONED = "unversioned"
"""The prompt version of an answer from a service that never said its version."""


@dataclass(frozen=True)
class Turn:
    """One earlier message of the thread, oldest first."""

    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class Passage:
    """A heading-delimited piece of one knowledge file."""

    title: str
    path: str
    heading: str
    text: str
    url: str | None = None  # a PDF page's carries its `#page=N` anchor
    updated: str | None = None  # the page's `updated:` metadata, as written (digest: stale)
    owner: str | None = None  # the page's `owner:` metadata (digest: Knowledge to fix)
    page: int | None = None  # a PDF passage's page number, from 1

    @property
    def updated_date(self) -> date | None:
        """`updated:` as a date (`2019-03-01`, a time after it ignored); None if unreadable."""
        if not self.updated:
            return None
        try:
            return date.fromisoformat(self.updated.strip()[:10])
        except ValueError:
            return None


@dataclass(frozen=True)
class Source:
    """A knowledge file cited by an answer."""

    title: str
    path: str
    url: str | None = None
    page: int | None = None  # the cited PDF page

    def stored(self) -> dict[str, str | int | None]:
        """How an answer row keeps it (`Answer.sources`): the page only for a PDF page."""
        kept: dict[str, str | int | None] = {
            "title": self.title,
            "path": self.path,
            "url": self.url,
        }
        if self.page is not None:
            kept["page"] = self.page
        return kept

    @property
    def label(self) -> str:
        """Its title, with the page for a PDF: "Travel policy, p. 4"."""
        return self.title if self.page is None else f"{self.title}, p. {self.page}"

    @staticmethod
    def of(passage: Passage) -> Source:
        """The source a passage is cited as."""
        return Source(passage.title, passage.path, passage.url, passage.page)


@dataclass(frozen=True)
class VerifiedEntry:
    """An owner-approved answer, served verbatim when a question matches it."""

    id: int
    question: str
    answer: str
    owner: str
    verified_on: date
    variants: tuple[str, ...] = ()  # more wordings of `question` (bot/answering/verified.py)
    last_checked: date | None = None  # set once its review is overdue: shown under the answer


@dataclass(frozen=True)
class Asker:
    """Who asked and where: sent to the company's own service, which may personalise."""

    user_id: str = ""
    channel_id: str = ""
    thread_ts: str = ""


@dataclass(frozen=True)
class AnswerRequest:
    """Everything a provider needs: the question, the thread so far and retrieved context."""

    question: str
    history: tuple[Turn, ...]
    context: tuple[Passage, ...]
    prompt: Prompt
    asker: Asker = field(default_factory=Asker)
    note: str = ""  # told to a model before it answers: the sources disagree (disagreement.py)


@dataclass(frozen=True)
class AnswerFacts:
    """What a service said about its own answer once the text was complete (`http` provider).

    None means "not said": lastmile then uses its own estimate (confidence) or the provider's
    defaults (model, version).
    """

    sources: tuple[Source, ...] = ()
    confidence: float | None = None
    model: str | None = None
    version: str | None = None


StreamItem = str | AnswerFacts
"""What a provider yields: text chunks, then at most one `AnswerFacts`."""


@dataclass(frozen=True)
class AnswerOutcome:
    """The final result of one answer; `text` is exactly what was streamed through `on_chunk`."""

    text: str
    provider: str
    model: str
    prompt_version: str
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.0
    confidence_line: str = ""
    latency_ms: int = 0
    error: str | None = None
    verified_answer_id: int | None = None


class Answerer(Protocol):
    """A provider: turns a request into streamed text chunks within `timeout_s` seconds.

    Implementations raise `ProviderError` for failures they know how to classify.
    """

    provider: str
    model: str
    grounding: Grounding

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[StreamItem]:
        """Yield the answer's text chunks in order (and, from a service, its facts last)."""
        ...


class ProviderError(Exception):
    """A provider call failed; `retryable` for connection errors, 5xx, 429 and 529."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def is_retryable_status(status: int) -> bool:
    """429 (rate limited) and every 5xx, including Anthropic's 529 (overloaded)."""
    return status == 429 or status >= 500


class QuestionRejected(ValueError):
    """The question cannot be answered as asked; `user_message` says why, for the reply."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class QuestionTooLong(QuestionRejected):
    """The question exceeds `MAX_QUESTION_CHARS`."""

    def __init__(self, length: int, limit: int = MAX_QUESTION_CHARS) -> None:
        super().__init__(
            f"That question is {length:,} characters long; I can take at most {limit:,}. "
            "Please shorten it or ask about one thing at a time."
        )
        self.length = length
        self.limit = limit
