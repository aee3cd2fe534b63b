"""Anthropic Messages API provider, streamed with `client.messages.stream`."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import httpx2
from anthropic.types import AssistantMessageParam, MessageParam, UserMessageParam

from bot.answering.messages import ChatMessage, build_messages
from bot.answering.types import AnswerRequest, Grounding, ProviderError, is_retryable_status

DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-6"
MAX_TOKENS = 1_024


class AnthropicAnswerer:
    """Answers with Claude; the client must be built with max_retries=0 (retries are ours)."""

    provider = "anthropic"
    grounding: Grounding = "llm"

    def __init__(self, client: anthropic.Anthropic, model: str = DEFAULT_ANTHROPIC_MODEL) -> None:
        self.client = client
        self.model = model

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[str]:
        """Yield text deltas; raises ProviderError (retryable for 429, 5xx, 529, connection)."""
        messages = [_param(message) for message in build_messages(request)]
        try:
            with self.client.messages.stream(
                model=self.model,
                max_tokens=MAX_TOKENS,
                system=request.prompt.text,
                messages=messages,
                timeout=timeout_s,
            ) as stream:
                yield from stream.text_stream
        except anthropic.APIStatusError as exc:
            raise ProviderError(
                f"anthropic: HTTP {exc.status_code}", retryable=is_retryable_status(exc.status_code)
            ) from exc
        except (anthropic.APIConnectionError, httpx2.TransportError) as exc:
            raise ProviderError(f"anthropic: {type(exc).__name__}", retryable=True) from exc


def _param(message: ChatMessage) -> MessageParam:
    if message.role == "user":
        return UserMessageParam(role="user", content=message.content)
    return AssistantMessageParam(role="assistant", content=message.content)
