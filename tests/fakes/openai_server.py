"""A local fake of OpenAI's Chat Completions API (`POST /chat/completions`, stream=True) and
its models list (`GET /models`, what `lastmile doctor` calls to check the key).

with FakeOpenAIServer() as server:
    server.reply_with("Reset it in the portal.", chunks=3)
    server.require_key("test")  # any other bearer token: 401 invalid_api_key
    client = openai.OpenAI(api_key="test", base_url=server.base_url, max_retries=0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.fakes.llm_server import FakeLLMServer, sse

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    429: "rate_limit_exceeded",
}
MODELS = ("gpt-5.4-mini", "gpt-5.4")


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
        """OpenAI's error envelope; a wrong key is `invalid_api_key`, its message masks the key."""
        kind = _ERROR_TYPES.get(status, "server_error")
        if status == 401:
            message = "Incorrect API key provided: sk-***. You can find your API key at "
            message += "https://platform.openai.com/account/api-keys."
            return {"error": {"message": message, "type": kind, "param": None,
                              "code": "invalid_api_key"}}  # fmt: skip
        return {"error": {"message": f"fake {status}", "type": kind, "param": None, "code": None}}

    def sent_key(self, headers: dict[str, str]) -> str:
        """OpenAI's SDK sends `Authorization: Bearer <key>`."""
        return headers.get("authorization", "").removeprefix("Bearer ")

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        """`GET /models`: every model, as the Models API lists them."""
        if path != "/models":
            return super().get(path)
        data = [{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"}
                for m in MODELS]  # fmt: skip
        return 200, {"object": "list", "data": data}


def _chunk(model: str, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
