"""The provider check: one cheap authenticated call (list one model) with a short deadline.

Both SDKs are used as the bot uses them, so ANTHROPIC_BASE_URL / OPENAI_BASE_URL, proxies and
TLS behave the same; no retry, so a dead endpoint costs one timeout, not several.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from bot.doctor.report import Check, fail, ok, warn
from bot.settings import Settings

PROVIDER_TIMEOUT_S = 10.0
NAME = "provider"


@dataclass(frozen=True)
class _Provider:
    """What differs between the providers: variables, where to get a key, status page."""

    key_variable: str
    url_variable: str
    keys_page: str
    status_page: str


_PROVIDERS = {
    "anthropic": _Provider(
        "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL",
        "https://console.anthropic.com/settings/keys", "https://status.anthropic.com",
    ),
    "openai": _Provider(
        "OPENAI_API_KEY", "OPENAI_BASE_URL",
        "https://platform.openai.com/api-keys", "https://status.openai.com",
    ),
}  # fmt: skip


def check_provider(settings: Settings, timeout_s: float = PROVIDER_TIMEOUT_S) -> Check:
    """Offline needs nothing; a model provider must accept the key within `timeout_s`."""
    if settings.provider == "http":
        return check_http_service(settings, timeout_s)
    if settings.provider not in _PROVIDERS:
        detail = "offline: answers quote the knowledge folder; no model, no key, no network"
        return ok(NAME, detail + " (set ANTHROPIC_API_KEY or OPENAI_API_KEY to use a model)")
    sdk, client, model = _client(settings, timeout_s)
    where = str(client.base_url).rstrip("/")
    spec = _PROVIDERS[settings.provider]
    try:
        client.models.list(limit=1) if settings.provider == "anthropic" else client.models.list()
    except sdk.APIError as error:
        return _failure(settings.provider, spec, where, timeout_s, sdk, error)
    finally:
        client.close()
    return ok(NAME, f"{settings.provider} at {where} accepted the key; answers use {model}")


def _client(settings: Settings, timeout_s: float) -> tuple[ModuleType, Any, str]:
    if settings.provider == "anthropic":
        import anthropic

        from bot.answering.anthropic_provider import DEFAULT_ANTHROPIC_MODEL

        client: Any = anthropic.Anthropic(
            api_key=settings.anthropic_api_key,
            base_url=settings.anthropic_base_url or None,
            max_retries=0,
            timeout=timeout_s,
        )
        return anthropic, client, settings.model or DEFAULT_ANTHROPIC_MODEL
    import openai

    from bot.answering.openai_provider import DEFAULT_OPENAI_MODEL

    client = openai.OpenAI(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url or None,
        max_retries=0,
        timeout=timeout_s,
    )
    return openai, client, settings.model or DEFAULT_OPENAI_MODEL


def _failure(
    name: str, spec: _Provider, where: str, timeout_s: float, sdk: ModuleType, error: Exception
) -> Check:
    network = f"Check the network (proxy, firewall, DNS) or {spec.url_variable}."
    if isinstance(error, sdk.APITimeoutError):
        return fail(NAME, f"{name} at {where} did not answer within {timeout_s:g} s", network)
    if isinstance(error, sdk.APIConnectionError):
        return fail(NAME, f"cannot reach {name} at {where}: {_cause(error)}", network)
    status = getattr(error, "status_code", 0)
    said = f"HTTP {status} {_code(error)}".rstrip()
    if isinstance(error, sdk.AuthenticationError):
        detail = f"{name} refused {spec.key_variable} ({said})"
        return fail(NAME, detail, f"Create a key at {spec.keys_page} and set {spec.key_variable}.")
    if isinstance(error, sdk.PermissionDeniedError):
        detail = f"{name} accepted the key but may not list models ({said})"
        return warn(NAME, detail, "If answers fail too, give the key access to the models API.")
    if isinstance(error, sdk.NotFoundError):
        detail = f"{where} has no models list ({said}), so the key was not checked"
        return warn(NAME, detail, f"Check {spec.url_variable} if answers fail.")
    detail = f"{name} at {where} answered {said}"
    return fail(NAME, detail, f"Try again later; see {spec.status_page}.")


def _cause(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__ or error
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


def _code(error: Exception) -> str:
    """The error's type or code from the body (never its message: it may quote the key)."""
    body = getattr(error, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(inner, dict):
        return str(inner.get("code") or inner.get("type") or "")
    return ""


def check_http_service(settings: Settings, timeout_s: float) -> Check:
    """The company's service must be reachable and take the token: one GET, never a question.

    The contract only defines POST, so any answer to a GET but 401/403 and 5xx (405 or 501
    most often) shows the service is there; no question is sent, so its logs stay clean.
    """
    import httpx2

    headers = {"Authorization": f"Bearer {settings.http_token}"} if settings.http_token else {}
    where = settings.http_url
    network = "Check the network (proxy, firewall, DNS) or LASTMILE_HTTP_URL."
    try:
        response = httpx2.get(where, headers=headers, timeout=timeout_s, follow_redirects=False)
    except httpx2.TimeoutException:
        return fail(NAME, f"the service at {where} did not answer within {timeout_s:g} s", network)
    except httpx2.TransportError as error:
        return fail(NAME, f"cannot reach the service at {where}: {type(error).__name__}", network)
    status = response.status_code
    if status in (401, 403):
        detail = f"the service at {where} refused the token (HTTP {status})"
        return fail(NAME, detail, "Set LASTMILE_HTTP_TOKEN to a token the service accepts.")
    if status >= 500 and status != 501:  # 501: no GET handler, as Python's http.server says
        detail = f"the service at {where} answered HTTP {status}"
        return warn(NAME, detail, "Answers will fail until it is healthy; check its logs.")
    return ok(NAME, f"http service at {where} is reachable (HTTP {status} to GET); contract v1")
