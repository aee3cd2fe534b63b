"""Building the tracer the settings ask for."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from bot.traces.config import EXTRA, TraceSettings
from bot.traces.model import NoTraces, Traces

log = logging.getLogger(__name__)


class TracesUnavailable(RuntimeError):
    """Tracing was asked for but the `traces` extra is not installed."""


def traces_from_settings(settings: TraceSettings) -> Traces:
    """OTLP/HTTP export when an endpoint is set, else nothing."""
    if not settings.enabled:
        return NoTraces()
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        from bot.traces.otlp import OtlpTraces
    except ImportError as error:  # settings check this first; kept for a broken install
        raise TracesUnavailable(f"{error}: {EXTRA}") from error
    exporter = OTLPSpanExporter(endpoint=settings.endpoint, headers=dict(settings.headers))
    log.info("traces: answers and feedback exported over OTLP/HTTP to %s", settings.endpoint)
    return OtlpTraces(
        service_name=settings.service_name, capture_content=settings.capture_content,
        exporter=exporter, version=_version(),
    )  # fmt: skip


def _version() -> str:
    try:
        return version("lastmile-bot")
    except PackageNotFoundError:
        return ""
