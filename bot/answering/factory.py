"""Build the configured `Answerer`; SDKs are imported only for the provider in use."""

from __future__ import annotations

from bot.answering.offline import OFFLINE_MODEL, OfflineAnswerer
from bot.answering.types import Answerer
from bot.vocabulary import PROVIDERS


def make_answerer(
    *,
    provider: str,
    model: str | None = None,
    anthropic_api_key: str | None = None,
    anthropic_base_url: str | None = None,
    openai_api_key: str | None = None,
    openai_base_url: str | None = None,
    http_url: str | None = None,
    http_token: str | None = None,
    timeout_s: float = 30.0,
) -> Answerer:
    """The answerer for `provider`; SDK clients never retry on their own (max_retries=0).

    Raises ValueError for an unknown provider or a missing API key.
    """
    if provider == "offline":
        return OfflineAnswerer(model or OFFLINE_MODEL)
    if provider == "anthropic":
        return _anthropic(model, anthropic_api_key, anthropic_base_url, timeout_s)
    if provider == "openai":
        return _openai(model, openai_api_key, openai_base_url, timeout_s)
    if provider == "http":
        return _http(model, http_url, http_token, timeout_s)
    raise ValueError(f"unknown provider {provider!r}; choose one of {', '.join(PROVIDERS)}")


def _anthropic(model: str | None, key: str | None, url: str | None, timeout_s: float) -> Answerer:
    import anthropic

    from bot.answering.anthropic_provider import DEFAULT_ANTHROPIC_MODEL, AnthropicAnswerer

    if not key:
        raise ValueError("provider 'anthropic' needs ANTHROPIC_API_KEY")
    client = anthropic.Anthropic(
        api_key=key, base_url=url or None, max_retries=0, timeout=timeout_s
    )
    return AnthropicAnswerer(client, model or DEFAULT_ANTHROPIC_MODEL)


def _openai(model: str | None, key: str | None, url: str | None, timeout_s: float) -> Answerer:
    import openai

    from bot.answering.openai_provider import DEFAULT_OPENAI_MODEL, OpenAIAnswerer

    if not key:
        raise ValueError("provider 'openai' needs OPENAI_API_KEY")
    client = openai.OpenAI(api_key=key, base_url=url or None, max_retries=0, timeout=timeout_s)
    return OpenAIAnswerer(client, model or DEFAULT_OPENAI_MODEL)


def _http(model: str | None, url: str | None, token: str | None, timeout_s: float) -> Answerer:
    import httpx2

    from bot.answering.http_provider import HttpAnswerer

    if not url:
        raise ValueError("provider 'http' needs LASTMILE_HTTP_URL")
    # Redirects are not followed: a POST that is redirected is a misconfigured URL, said so.
    client = httpx2.Client(timeout=timeout_s, follow_redirects=False)
    return HttpAnswerer(client, url, token=token, model=model)
