"""The traces check: off, or the OTLP/HTTP endpoint takes spans with the configured headers.

It sends one empty export request (a valid OTLP message with no spans), so nothing shows up in
the team's tool. An unreachable collector is a warning, not a failure: answers never wait for it.
"""

from __future__ import annotations

from bot.doctor.report import Check, fail, ok, warn
from bot.traces.config import TraceSettings

NAME = "traces"
DOCS = "docs/traces.md"


def check_traces(settings: TraceSettings, timeout_s: float) -> Check:
    """One line: off, accepted, refused or unreachable."""
    if not settings.enabled:
        detail = "off (set OTEL_EXPORTER_OTLP_ENDPOINT to export answers and feedback as traces)"
        if settings.trace_url:
            fix = f"Set OTEL_EXPORTER_OTLP_ENDPOINT too, or unset LASTMILE_TRACE_URL ({DOCS})."
            return warn(NAME, "LASTMILE_TRACE_URL is set but traces are off: no link to show", fix)
        return ok(NAME, detail)
    import httpx2

    where = settings.endpoint
    headers = {**settings.headers, "Content-Type": "application/x-protobuf"}
    down = (f"Answers are unaffected; spans are dropped until the collector at {where} is up "
            f"({DOCS}).")  # fmt: skip
    try:
        response = httpx2.post(where, content=b"", headers=headers, timeout=timeout_s)
    except httpx2.TimeoutException:
        return warn(NAME, f"the collector at {where} did not answer within {timeout_s:g} s", down)
    except httpx2.TransportError as error:
        return warn(NAME, f"cannot reach the collector at {where}: {type(error).__name__}", down)
    status = response.status_code
    if status in (401, 403):
        detail = f"the collector at {where} refused the credentials (HTTP {status})"
        return fail(NAME, detail, "Set OTEL_EXPORTER_OTLP_HEADERS to what your tool asks for.")
    if status == 404:
        detail = f"no OTLP receiver at {where} (HTTP 404)"
        fix = ("Check the path: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as given, "
               "OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended.")  # fmt: skip
        return fail(NAME, detail, fix)
    if not 200 <= status < 300:
        return warn(NAME, f"the collector at {where} answered HTTP {status}", down)
    content = ", question and answer text included" if settings.capture_content else ""
    link = ", digest links to LASTMILE_TRACE_URL" if settings.trace_url else ""
    return ok(NAME, f"OTLP/HTTP to {where} accepts spans{content}{link}")
