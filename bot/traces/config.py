"""Trace settings, read from the standard OpenTelemetry variables (in the environment or .env).

Tracing is on when an OTLP endpoint is set: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as
given) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended, as the OTLP/HTTP spec says), and
neither `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`. Headers (Langfuse's Basic
auth, an API key) come from `OTEL_EXPORTER_OTLP_TRACES_HEADERS` or `OTEL_EXPORTER_OTLP_HEADERS`,
`key=value` pairs separated by commas, values URL-encoded.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

EXTRA = "pip install 'lastmile-bot[traces]'"
TRACE_ID_FIELD = "{trace_id}"


@dataclass(frozen=True)
class TraceSettings:
    """Where and how answers are traced; `endpoint` empty means off."""

    endpoint: str = ""
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold keys
    service_name: str = "lastmile"
    capture_content: bool = False
    trace_url: str = ""  # LASTMILE_TRACE_URL: a link template with {trace_id}

    @property
    def enabled(self) -> bool:
        """True when answers are exported."""
        return bool(self.endpoint)

    def link(self, trace_id: str | None) -> str | None:
        """The trace's page in the team's tool, from LASTMILE_TRACE_URL; None without either."""
        if not trace_id or not self.trace_url:
            return None
        return self.trace_url.replace(TRACE_ID_FIELD, trace_id)


def extra_installed() -> bool:
    """True when the `traces` extra (the OpenTelemetry SDK and OTLP exporter) is installed."""
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.http")
        )
    except ModuleNotFoundError:
        return False


def read_trace_settings(env: Mapping[str, str]) -> tuple[TraceSettings, list[str]]:
    """The settings and every problem with them."""

    def get(name: str) -> str:
        return env.get(name, "").strip()

    problems: list[str] = []
    variable = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    endpoint = get(variable)
    if not endpoint and (base := get("OTEL_EXPORTER_OTLP_ENDPOINT")):
        variable, endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT", base.rstrip("/") + "/v1/traces"
    off = get("OTEL_SDK_DISABLED").lower() == "true" or get("OTEL_TRACES_EXPORTER") == "none"
    if off:
        endpoint = ""
    if endpoint and not endpoint.startswith(("http://", "https://")):
        problems.append(f"{variable}={get(variable)!r} is not an http(s) URL (OTLP/HTTP).")
        endpoint = ""
    if endpoint and not extra_installed():
        problems.append(
            f"{variable} is set but the OpenTelemetry SDK is not installed: {EXTRA} "
            f"(or unset {variable})."
        )
        endpoint = ""
    header_variable = "OTEL_EXPORTER_OTLP_TRACES_HEADERS"
    if not get(header_variable):
        header_variable = "OTEL_EXPORTER_OTLP_HEADERS"
    headers, bad = _headers(get(header_variable))
    if bad:
        problems.append(f"{header_variable}: {bad!r}... is not key=value.")
    trace_url = get("LASTMILE_TRACE_URL")
    if trace_url and (TRACE_ID_FIELD not in trace_url or not trace_url.startswith("http")):
        problems.append(
            f"LASTMILE_TRACE_URL={trace_url!r} must be an http(s) URL holding {TRACE_ID_FIELD}, "
            "e.g. https://cloud.langfuse.com/project/<id>/traces/{trace_id}."
        )
    settings = TraceSettings(
        endpoint=endpoint,
        headers=headers,
        service_name=get("OTEL_SERVICE_NAME") or "lastmile",
        capture_content=get("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT").lower() == "true",
        trace_url=trace_url,
    )
    return settings, problems


def _headers(raw: str) -> tuple[dict[str, str], str]:
    headers: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            return headers, pair.split("=", 1)[0][:40]
        headers[unquote(key.strip()).lower()] = unquote(value.strip())
    return headers, ""
