"""A local fake of Anthropic's Messages API (`POST /v1/messages`, streamed as SSE) and its
models list (`GET /v1/models`, what `lastmile doctor` calls to check the key).

with FakeAnthropicServer() as server:
    server.reply_with("Reset it in the portal.", chunks=3)
    server.require_key("test")  # any other key: 401 authentication_error
    client = anthropic.Anthropic(api_key="test", base_url=server.base_url, max_retries=0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.fakes.llm_server import FakeLLMServer, sse

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    529: "overloaded_error",
}
_ERROR_MESSAGES = {401: "invalid x-api-key"}  # the real API's words for a wrong key
MODELS = ("claude-sonnet-4-6", "claude-haiku-4-5")


class FakeAnthropicServer(FakeLLMServer):
    """Speaks message_start ... content_block_delta (text_delta) ... message_stop."""

    path = "/v1/messages"
    lead_frames = 2  # message_start and content_block_start come before the first text chunk

    def events(self, chunks: Sequence[str], body: dict[str, Any]) -> list[bytes]:
        """The event sequence of one streamed text message."""
        message = {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", ""),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 0},
        }
        block = {"type": "text", "text": ""}
        frames = [
            sse({"type": "message_start", "message": message}, "message_start"),
            sse({"type": "content_block_start", "index": 0, "content_block": block}, _BLOCK_START),
        ]
        frames += [
            sse(
                {"type": "content_block_delta", "index": 0, "delta": _text(c)},
                "content_block_delta",
            )
            for c in chunks
        ]
        done = {"stop_reason": "end_turn", "stop_sequence": None}
        frames += [
            sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
            sse({"type": "message_delta", "delta": done, "usage": {"output_tokens": 5}}, _DELTA),
            sse({"type": "message_stop"}, "message_stop"),
        ]
        return frames

    def error_body(self, status: int) -> dict[str, Any]:
        """Anthropic's error envelope."""
        kind = _ERROR_TYPES.get(status, "api_error")
        message = _ERROR_MESSAGES.get(status, f"fake {status}")
        return {"type": "error", "error": {"type": kind, "message": message}}

    def sent_key(self, headers: dict[str, str]) -> str:
        """The key as `x-api-key` (older SDKs, curl) or `Authorization: Bearer` (this SDK)."""
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        return headers.get("x-api-key", "") or bearer

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        """`GET /v1/models`: one page of models, newest first, as the Models API lists them."""
        if path != "/v1/models":
            return super().get(path)
        data = [_model(name) for name in MODELS]
        page = {"data": data, "has_more": False, "first_id": MODELS[0], "last_id": MODELS[-1]}
        return 200, page


_BLOCK_START = "content_block_start"
_DELTA = "message_delta"


def _text(chunk: str) -> dict[str, str]:
    return {"type": "text_delta", "text": chunk}


def _model(name: str) -> dict[str, str]:
    return {
        "type": "model",
        "id": name,
        "display_name": name.replace("-", " ").title(),
        "created_at": "2026-01-01T00:00:00Z",
        "lifecycle": "active",
    }
