"""The `http` provider: the company's own AI service answers, over a small versioned contract.

The contract (docs/http-provider.md, version `CONTRACT_VERSION`): lastmile POSTs the question,
the thread, who asked and the passages it retrieved; the service answers with one JSON object
or streams Server-Sent Events (`delta`... then `done`, or `error`). Its `version` becomes the
answer's prompt version and its `model` the model, so the digest compares versions of the
company's feature as it compares lastmile's prompts.

Every failure is a ProviderError the answer path turns into a clear notice: a status other than
2xx (429 and 5xx retryable), a body that breaks the contract, a stream that ends without `done`,
a timeout, a response over MAX_RESPONSE_BYTES. A malformed *optional* field of a good answer
(a confidence of 85, a source without a title) is logged and ignored, not fatal: the text
already reached the asker.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import httpx2

from bot.answering.types import (
    AnswerFacts,
    AnswerRequest,
    Grounding,
    ProviderError,
    Source,
    StreamItem,
    is_retryable_status,
)

log = logging.getLogger(__name__)

CONTRACT_VERSION = "1"
MAX_RESPONSE_BYTES = 1_000_000
"""A whole response (JSON or stream) larger than this is refused: no answer is that long."""
MAX_SOURCES = 20
MAX_FIELD_CHARS = 300
ACCEPT = "text/event-stream, application/json;q=0.9"


def lastmile_version() -> str:
    """The installed package's version, sent with every request."""
    try:
        return metadata.version("lastmile-bot")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def request_body(request: AnswerRequest) -> dict[str, Any]:
    """The JSON lastmile POSTs (contract version 1)."""
    return {
        "question": request.question,
        "history": [{"role": turn.role, "text": turn.text} for turn in request.history],
        "user_id": request.asker.user_id,
        "channel_id": request.asker.channel_id,
        "thread_ts": request.asker.thread_ts,
        "context": [
            {"title": p.title, "path": p.path, "url": p.url, "text": p.text}
            for p in request.context
        ],
        "lastmile_version": lastmile_version(),
        "contract": CONTRACT_VERSION,
    }


class HttpAnswerer:
    """Answers with the company's service at `url`; `model` defaults to the URL's host."""

    provider = "http"
    grounding: Grounding = "service"

    def __init__(
        self, client: httpx2.Client, url: str, *, token: str | None = None, model: str | None = None
    ) -> None:
        self.client = client
        self.url = url
        self.token = token
        self.model = model or urlsplit(url).hostname or "http-service"
        self.last_version: str | None = None
        """The version the service reported last: a failed answer is counted against it."""

    def close(self) -> None:
        """Close pooled connections (tests; a running bot keeps them for its lifetime)."""
        self.client.close()

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[StreamItem]:
        """Yield the service's text, then its facts; raises ProviderError on any failure."""
        headers = {
            "Accept": ACCEPT,
            "User-Agent": f"lastmile/{lastmile_version()}",
            "Lastmile-Contract": CONTRACT_VERSION,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            with self.client.stream(
                "POST", self.url, json=request_body(request), headers=headers, timeout=timeout_s
            ) as response:
                for item in _read(response):
                    if isinstance(item, AnswerFacts) and item.version:
                        self.last_version = item.version
                    yield item
        except httpx2.TimeoutException as exc:
            message = f"http: no answer within {timeout_s:.1f} s"
            raise ProviderError(message, retryable=False) from exc
        except httpx2.TransportError as exc:
            raise ProviderError(f"http: {type(exc).__name__}", retryable=True) from exc


def _read(response: httpx2.Response) -> Iterator[StreamItem]:
    if not 200 <= response.status_code < 300:
        raise ProviderError(
            f"http: the service answered HTTP {response.status_code}",
            retryable=is_retryable_status(response.status_code),
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        raise _oversized()
    kind = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "text/event-stream":
        yield from _events(response)
    elif kind == "application/json" or kind.endswith("+json"):
        yield from _whole(response)
    else:
        raise ProviderError(
            f"http: unexpected content type {kind or '(none)'!r}; "
            "send application/json or text/event-stream",
            retryable=False,
        )


def _whole(response: httpx2.Response) -> Iterator[StreamItem]:
    body = bytearray()
    for part in response.iter_bytes():
        body += part
        if len(body) > MAX_RESPONSE_BYTES:
            raise _oversized()
    data = _json_object(bytes(body), "the response")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ProviderError("http: the response has no `text` string", retryable=False)
    yield text
    yield facts_from(data)


def _events(response: httpx2.Response) -> Iterator[StreamItem]:
    streamed = False
    for event in httpx2.EventSource(response, max_event_size=MAX_RESPONSE_BYTES):
        if response.num_bytes_downloaded > MAX_RESPONSE_BYTES:
            raise _oversized()
        if event.event == "delta":
            text = _json_object(event.data.encode(), "a `delta` event").get("text")
            if not isinstance(text, str):
                raise ProviderError("http: a `delta` event has no `text` string", retryable=False)
            streamed = streamed or bool(text)
            yield text
        elif event.event == "done":
            if not streamed:
                raise ProviderError("http: the stream ended with no text", retryable=False)
            yield facts_from(_json_object(event.data.encode() or b"{}", "the `done` event"))
            return
        elif event.event == "error":
            said = _json_object(event.data.encode() or b"{}", "the `error` event").get("message")
            message = f"http: the service reported an error: {_clip(said)}"
            raise ProviderError(message, retryable=False)
        # Other event names (comments, keep-alives, later contract additions) are skipped.
    raise ProviderError("http: the stream ended before its `done` event", retryable=False)


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProviderError(f"http: {what} is not valid JSON", retryable=False) from exc
    if not isinstance(data, dict):
        raise ProviderError(f"http: {what} is not a JSON object", retryable=False)
    return data


def facts_from(data: dict[str, Any]) -> AnswerFacts:
    """The optional fields of an answer; malformed ones are logged and left out."""
    confidence = data.get("confidence")
    if confidence is not None and not (
        isinstance(confidence, int | float)
        and not isinstance(confidence, bool)
        and 0.0 <= confidence <= 1.0
    ):
        log.warning("http provider: ignored confidence %.40r (not 0.0-1.0)", confidence)
        confidence = None
    return AnswerFacts(
        sources=_sources(data.get("sources")),
        confidence=None if confidence is None else float(confidence),
        model=_short_text(data.get("model"), "model"),
        version=_short_text(data.get("version"), "version"),
    )


def _sources(value: object) -> tuple[Source, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        log.warning("http provider: ignored `sources` (not a list)")
        return ()
    found: list[Source] = []
    for item in value[:MAX_SOURCES]:
        source = _source(item)
        if source is None:
            log.warning("http provider: ignored a source without a title or an http(s) url")
        elif all(s.path != source.path for s in found):
            found.append(source)
    return tuple(found)


def _source(item: object) -> Source | None:
    if not isinstance(item, dict):
        return None
    title = item.get("title") if isinstance(item.get("title"), str) else ""
    url = item.get("url") if isinstance(item.get("url"), str) else None
    if url is not None and urlsplit(url).scheme not in ("http", "https"):
        url = None  # a javascript: or file: link must never reach a Slack message
    title = _clip(title or url or "")
    if not title:
        return None
    return Source(title=title, path=url or title, url=url)


def _short_text(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        log.warning("http provider: ignored `%s` (not a non-empty string)", name)
        return None
    return value.strip()[:120]


def _clip(value: object) -> str:
    text = " ".join(str(value).split()) if value is not None else ""
    return text[:MAX_FIELD_CHARS]


def _oversized() -> ProviderError:
    return ProviderError(
        f"http: the response is larger than {MAX_RESPONSE_BYTES:,} bytes", retryable=False
    )
