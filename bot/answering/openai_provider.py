"""OpenAI provider over Chat Completions (stream=True).

Chat Completions rather than the Responses API because every OpenAI-compatible server (vLLM,
Ollama, LiteLLM, Azure-style gateways) speaks it, so OPENAI_BASE_URL can point at any of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import openai
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)

from bot.answering.messages import ChatMessage, build_messages
from bot.answering.types import AnswerRequest, Grounding, ProviderError, is_retryable_status

DEFAULT_OPENAI_MODEL = "gpt-5.4-mini"


class OpenAIAnswerer:
    """Answers with an OpenAI(-compatible) model; the client must be built with max_retries=0."""

    provider = "openai"
    grounding: Grounding = "llm"

    def __init__(self, client: openai.OpenAI, model: str = DEFAULT_OPENAI_MODEL) -> None:
        self.client = client
        self.model = model

    def stream(self, request: AnswerRequest, *, timeout_s: float) -> Iterator[str]:
        """Yield content deltas; raises ProviderError (retryable for 429, 5xx, connection)."""
        messages: list[ChatCompletionMessageParam] = [
            ChatCompletionSystemMessageParam(role="system", content=request.prompt.text)
        ]
        messages += [_param(message) for message in build_messages(request)]
        try:
            stream = self.client.chat.completions.create(
                model=self.model, messages=messages, stream=True, timeout=timeout_s
            )
            with stream:
                for chunk in stream:
                    for choice in chunk.choices:
                        if choice.delta.content:
                            yield choice.delta.content
        except openai.APIStatusError as exc:
            raise ProviderError(
                f"openai: HTTP {exc.status_code}", retryable=is_retryable_status(exc.status_code)
            ) from exc
        except (openai.APIConnectionError, httpx2.TransportError) as exc:
            raise ProviderError(f"openai: {type(exc).__name__}", retryable=True) from exc
        except openai.APIError as exc:
            raise ProviderError(f"openai: {exc.message}", retryable=False) from exc


def _param(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "user":
        return ChatCompletionUserMessageParam(role="user", content=message.content)
    return ChatCompletionAssistantMessageParam(role="assistant", content=message.content)
