"""What the fake Slack checks in streaming chunks, from Slack's chat.startStream/appendStream/
stopStream reference ("Using the chunks parameter") and slack_sdk's chunk models.

Built from the documentation, not a recorded payload: `tests/data` has no streaming call. A
chunk is `markdown_text` (`text`), `task_update` (`id`, `title`, `status` one of pending,
in_progress, complete, error; optional `details` and `output` of at most 256 characters;
`sources`: `url` elements with `url` and `text`), `plan_update` (`title`) or `blocks`.
`task_display_mode` is `timeline` or `plan`. A bad call answers `invalid_arguments`.
"""

from __future__ import annotations

from typing import Any

TASK_STATUSES = ("pending", "in_progress", "complete", "error")
TASK_TEXT_CHARS = 256
CHUNK_TYPES = ("markdown_text", "task_update", "plan_update", "blocks")


def chunks_error(params: dict[str, Any]) -> str | None:
    """Slack's error code for malformed chunks or display mode, else None."""
    mode = params.get("task_display_mode")
    if mode is not None and mode not in ("timeline", "plan"):
        return "invalid_arguments"
    chunks = params.get("chunks")
    if chunks is None:
        return None
    if not isinstance(chunks, list) or not all(isinstance(c, dict) for c in chunks):
        return "invalid_arguments"
    return next((error for c in chunks if (error := _chunk_error(c))), None)


def _chunk_error(chunk: dict[str, Any]) -> str | None:
    kind = chunk.get("type")
    if kind not in CHUNK_TYPES:
        return "invalid_arguments"
    if kind == "markdown_text":
        ok = isinstance(chunk.get("text"), str) and len(chunk["text"]) <= 12_000
        return None if ok else "invalid_arguments"
    if kind == "task_update":
        return _task_error(chunk)
    return None


def _task_error(chunk: dict[str, Any]) -> str | None:
    if not chunk.get("id") or not chunk.get("title") or chunk.get("status") not in TASK_STATUSES:
        return "invalid_arguments"
    for key in ("details", "output"):
        value = chunk.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > TASK_TEXT_CHARS):
            return "invalid_arguments"
    for source in chunk.get("sources") or []:
        if source.get("type") != "url" or not source.get("url") or not source.get("text"):
            return "invalid_arguments"
    return None


def task_updates(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The call's task_update chunks, in order."""
    return [c for c in params.get("chunks") or [] if c.get("type") == "task_update"]
