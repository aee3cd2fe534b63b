"""A local fake of Anthropic's Messages API (`POST /v1/messages`, streamed as SSE).

with FakeAnthropicServer() as server:
    server.reply_with("Reset it in the portal.", chunks=3)
    client = anthropic.Anthropic(api_key="test", base_url=server.base_url, max_retries=0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.fakes.llm_server import FakeLLMServer, sse

_ERROR_TYPES = {429: "rate_limit_error", 529: "overloaded_error", 400: "invalid_request_error"}


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
        return {"type": "error", "error": {"type": kind, "message": f"fake {status}"}}


_BLOCK_START = "content_block_start"
_DELTA = "message_delta"


def _text(chunk: str) -> dict[str, str]:
    return {"type": "text_delta", "text": chunk}
