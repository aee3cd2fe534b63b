"""A local fake of OpenAI's Chat Completions API (`POST /chat/completions`, stream=True).

with FakeOpenAIServer() as server:
    server.reply_with("Reset it in the portal.", chunks=3)
    client = openai.OpenAI(api_key="test", base_url=server.base_url, max_retries=0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.fakes.llm_server import FakeLLMServer, sse

_ERROR_TYPES = {429: "rate_limit_exceeded", 400: "invalid_request_error"}


class FakeOpenAIServer(FakeLLMServer):
    """Speaks chat.completion.chunk frames ending with `data: [DONE]`."""

    path = "/chat/completions"
    lead_frames = 1  # the role chunk comes before the first content chunk

    def events(self, chunks: Sequence[str], body: dict[str, Any]) -> list[bytes]:
        """A role chunk, one chunk per text piece, a finish chunk, then [DONE]."""
        model = str(body.get("model", ""))
        frames = [sse(_chunk(model, {"role": "assistant", "content": ""}, None))]
        frames += [sse(_chunk(model, {"content": c}, None)) for c in chunks]
        frames += [sse(_chunk(model, {}, "stop")), sse("[DONE]")]
        return frames

    def error_body(self, status: int) -> dict[str, Any]:
        """OpenAI's error envelope."""
        kind = _ERROR_TYPES.get(status, "server_error")
        return {"error": {"message": f"fake {status}", "type": kind, "param": None, "code": None}}


def _chunk(model: str, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
