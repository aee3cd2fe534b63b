"""Reading the fake Slack's call log: which bot messages were started and finished, and where.

A reply is a bot message in a question's thread, created by chat.startStream (streaming) or
chat.postMessage (the post-and-update fallback), counting only calls the fake answered ok. A
streamed reply is finished by an ok chat.stopStream, or by a later ok chat.update of its ts
(the product finishes a broken stream that way). A posted reply is finished when it was posted
with blocks or a later ok chat.update gave it blocks (the fallback's last edit carries them).
An answer is a finished reply whose blocks hold the feedback controls (`feedback_buttons`);
a finished reply without them is an error notice (e.g. the provider failed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tests.fakes.slack_api import RecordedCall

STARTS = ("chat.startStream", "chat.postMessage")


@dataclass
class Reply:
    """One bot message in a thread, as the call log tells it."""

    channel: str
    ts: str
    thread_ts: str
    via: str  # chat.startStream or chat.postMessage
    created_at: float
    finished_at: float | None = None
    has_controls: bool = False
    blocks_seen: bool = False


@dataclass
class ReplyLog:
    """Every reply seen so far, by (channel, ts) and by (channel, thread_ts); fed incrementally."""

    replies: dict[tuple[str, str], Reply] = field(default_factory=dict)
    threads: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    read: int = 0  # how many calls of the log were read

    def feed(self, calls: list[RecordedCall]) -> list[Reply]:
        """Read calls past `read`; returns answers (with controls) finished by these calls."""
        finished: list[Reply] = []
        for call in calls[self.read :]:
            done = self._one(call)
            if done is not None and done.has_controls:
                finished.append(done)
        self.read = len(calls)
        return finished

    def _one(self, call: RecordedCall) -> Reply | None:
        if call.status != 200 or not call.response.get("ok"):
            return None
        params, response = call.params, call.response
        channel = str(response.get("channel") or params.get("channel") or "")
        if call.method in STARTS:
            thread = str(params.get("thread_ts") or "")
            if not thread:
                return None  # not a thread reply: digests, pings
            reply = Reply(channel, str(response["ts"]), thread, call.method, call.at)
            self.replies[(channel, reply.ts)] = reply
            self.threads.setdefault((channel, thread), []).append(reply)
            if call.method == "chat.postMessage" and params.get("blocks"):
                return self._finish(reply, call, params.get("blocks"))
            return None
        if call.method in ("chat.stopStream", "chat.update"):
            known = self.replies.get((channel, str(params.get("ts") or "")))
            if known is None or known.finished_at is not None:
                return None
            if call.method == "chat.stopStream" or known.via == "chat.startStream":
                return self._finish(known, call, params.get("blocks"))
            if params.get("blocks"):
                return self._finish(known, call, params.get("blocks"))
        return None

    def _finish(self, reply: Reply, call: RecordedCall, blocks: object) -> Reply:
        reply.finished_at = call.at
        reply.blocks_seen = bool(blocks)
        reply.has_controls = "feedback_buttons" in json.dumps(blocks or [])
        return reply

    def thread(self, channel: str, thread_ts: str) -> list[Reply]:
        """The replies in one thread, in the order they were created."""
        return self.threads.get((channel, thread_ts), [])
