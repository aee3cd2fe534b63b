"""Streaming an answer into a Slack thread: thinking steps, then text, with fallbacks.

Slack's streaming methods (chat.startStream/appendStream/stopStream) carry both the answer's
thinking steps (`task_update` chunks, shown as task cards) and its text (`markdown_text`
chunks). Steps are held until one begins a wait (the model call), so the steps before it go
in the same call; text is flushed at most once per `interval_s` of the injected clock, and what
is still held goes with stopStream together with the footer blocks. chat.appendStream is Tier 4
(about 100 calls a minute per workspace), so the interval widens when many answers stream at
once in this process: together they stay under `APPEND_BUDGET_PER_MINUTE`. Calls per answer:
bench/bench_stream_calls.py.

Where Slack refuses the first call, the reply degrades one level at a time:
1. chunks refused (a workspace without thinking steps): text-only streaming (`markdown_text`),
   steps dropped;
2. streaming refused too: chat.postMessage plus chat.update under the same throttle.
If a started stream breaks, the message it created is finished with chat.update.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.models.blocks import Block
from slack_sdk.models.messages.chunk import Chunk, MarkdownTextChunk

from bot.answering.steps import AnswerStep
from bot.mrkdwn import escape, truncate
from handlers.task_chunks import task_chunk

log = logging.getLogger(__name__)

STREAM_TEXT_CHARS = 12_000
"""Slack's limit on `markdown_text` in one streaming call."""
UPDATE_INTERVAL_S = 1.0
FALLBACK_TEXT_CHARS = 3_000
"""While streaming by post-and-update the text is shown plain; blocks come at the end."""
APPEND_BUDGET_PER_MINUTE = 80
"""What all of this process's streams together may spend of appendStream's Tier 4 (100/min)."""
Mode = Literal["stream", "stream_text", "fallback"]


class _OpenStreams:
    """The replies streaming right now in this process (a reply that is dropped leaves it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: weakref.WeakSet[StreamingReply] = weakref.WeakSet()

    def opened(self, reply: StreamingReply) -> None:
        with self._lock:
            self._replies.add(reply)

    def closed(self, reply: StreamingReply) -> None:
        with self._lock:
            self._replies.discard(reply)

    def count(self) -> int:
        with self._lock:
            return len(self._replies)


OPEN_STREAMS = _OpenStreams()


def stream_markdown(text: str) -> str:
    """Model text as standard Markdown that can't ping anyone or hide a link.

    `markdown_text` is standard Markdown (Slack's chat.startStream/appendStream and markdown
    block references), so quotes (`> `), `&` and the rest pass through and render as written.
    Only what could make a mention or a link is neutralised: `<` becomes the entity `&lt;` (no
    `<!channel>`, `<@U..>`, `<url|label>` or `<https://..>` can form, and no raw `<` ever
    reaches Slack), `[` is backslash-escaped (no `[label](url)`, `![..](..)` or `[1]: url`),
    and so is `\\` itself, so a model can't cancel our escape with its own. See
    docs/answering.md, "Streaming text".
    """
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("<", "&lt;")


class StreamingReply:
    """One answer message in a thread: `step` and `append`, then `finish` with blocks."""

    def __init__(
        self,
        client: WebClient,
        *,
        channel: str,
        thread_ts: str,
        recipient_team_id: str | None = None,
        recipient_user_id: str | None = None,
        clock: Callable[[], float],
        interval_s: float = UPDATE_INTERVAL_S,
        on_ts: Callable[[str], None] | None = None,
        steps: bool = True,
    ) -> None:
        self.client = client
        self.on_ts = on_ts  # told the message's ts once it exists, before any more is sent
        self.channel = channel
        self.thread_ts = thread_ts
        self.recipients = {
            "recipient_team_id": recipient_team_id,
            "recipient_user_id": recipient_user_id,
        }
        self.clock = clock
        self.interval_s = interval_s
        # "stream": steps and text as chunks; "stream_text": text only; "fallback": post+update
        self.mode: Mode = "stream" if steps else "stream_text"
        self.ts: str | None = None
        self._streaming = False  # a stream this reply started and has not stopped
        self._text = ""
        self._sent = 0  # how much of _text is already shown (streaming modes)
        self._held: dict[str, AnswerStep] = {}  # steps not shown yet, latest state per id
        self._shown: dict[str, AnswerStep] = {}
        self._last_flush: float | None = None

    def resume_at(self, ts: str) -> None:
        """Replace the message at `ts` (an earlier attempt's partial reply) instead of posting.

        Its stream is stopped first, in case the earlier attempt died before stopping it.
        """
        try:
            self.client.chat_stopStream(channel=self.channel, ts=ts)
        except (SlackApiError, SlackRequestError) as err:
            log.info("earlier reply %s not streaming any more (%s)", ts, _why(err))
        self.mode = "fallback"
        self.ts = ts

    def abort(self, notice: str) -> None:
        """End a started reply with `notice` after a failure (nothing was posted: no-op)."""
        if self.ts is None:
            return
        text = f"{escape(self._text)}\n\n_{escape(notice)}_" if self._text else escape(notice)
        try:
            if self._streaming:
                unfinished = [
                    task_chunk(step, status="error")
                    for step in {**self._shown, **self._held}.values()
                    if step.status == "in_progress"
                ]
                self._stop(unfinished, f"\n\n_{stream_markdown(notice)}_", blocks=None)
            else:
                self.client.chat_update(
                    channel=self.channel, ts=self.ts, text=truncate(text, 3_000)
                )
        except (SlackApiError, SlackRequestError) as err:
            log.warning("could not end the reply in %s after a failure: %s", self.channel, err)

    @property
    def text(self) -> str:
        """The raw (unescaped) text received so far."""
        return self._text

    def step(self, step: AnswerStep) -> None:
        """Hold a thinking step; shown now when it begins a wait and the throttle allows."""
        if self.mode != "stream":
            return
        self._held[step.id] = step
        if step.status == "in_progress":
            self._flush_if_due()

    def append(self, chunk: str) -> None:
        """Add raw model text; shows it now if the throttle allows."""
        self._text += chunk
        self._flush_if_due()

    def finish(self, *, stream_blocks: Sequence[Block], full_blocks: Sequence[Block]) -> str:
        """Complete the message and return its ts.

        `stream_blocks` go under the streamed text; on the fallback path `full_blocks` replace the
        whole message (they carry the answer text themselves).
        """
        if self.mode != "fallback":
            try:
                pieces = _pieces(self._text[self._sent :]) or [""]
                for piece in pieces[:-1]:
                    self._send(piece)
                self._send(pieces[-1], stop_blocks=list(stream_blocks))
            except (SlackApiError, SlackRequestError) as err:
                self._fall_back(err)
        if self.mode == "fallback":
            self._show_fallback(list(full_blocks))
        assert self.ts is not None
        return self.ts

    def flush_interval(self) -> float:
        """Seconds between flushes: `interval_s`, wider when many streams share the budget."""
        shared = OPEN_STREAMS.count() * 60.0 / APPEND_BUDGET_PER_MINUTE
        return max(self.interval_s, shared)

    def _flush_if_due(self) -> None:
        now = self.clock()
        if self._last_flush is not None and now - self._last_flush < self.flush_interval():
            return
        self._last_flush = now
        if self.mode == "fallback":
            self._show_fallback()
            return
        try:
            for piece in _pieces(self._text[self._sent :]) or [""]:
                self._send(piece)
            self._sent = len(self._text)
        except (SlackApiError, SlackRequestError) as err:
            self._fall_back(err)
            self._show_fallback()

    def _send(self, piece: str, *, stop_blocks: list[Block] | None = None) -> None:
        """One streaming call with the held steps (first) and `piece`; with blocks, the stop."""
        steps = list(self._held.values()) if self.mode == "stream" else []
        if not steps and not piece and stop_blocks is None:
            return
        if not self._streaming:
            self._start(steps, piece)
            if stop_blocks is not None:
                self._stop([], "", blocks=stop_blocks)
        elif stop_blocks is not None:
            self._stop([task_chunk(step) for step in steps], piece, blocks=stop_blocks)
        else:
            content = self._content([task_chunk(step) for step in steps], piece)
            self.client.chat_appendStream(channel=self.channel, ts=self._ts(), **content)
        self._shown.update({step.id: step for step in steps})
        self._held.clear()

    def _start(self, steps: list[AnswerStep], piece: str) -> None:
        """chat.startStream; if the workspace refuses chunks, once more with text only."""
        try:
            response = self._start_call([task_chunk(step) for step in steps], piece)
        except SlackApiError as err:
            if self.mode != "stream":
                raise
            why = _why(err)
            log.info("thinking steps refused in %s (%s): streaming text only", self.channel, why)
            self.mode = "stream_text"
            steps.clear()
            response = self._start_call([], piece)
        self._set_streaming(True)
        self._known(str(response["ts"]))

    def _start_call(self, chunks: Sequence[Chunk], piece: str) -> Any:
        params: dict[str, Any] = {k: v for k, v in self.recipients.items() if v}
        if self.mode == "stream":
            params["task_display_mode"] = "timeline"
        params |= self._content(chunks, piece)
        return self.client.chat_startStream(
            channel=self.channel, thread_ts=self.thread_ts, **params
        )

    def _stop(self, chunks: Sequence[Chunk], piece: str, *, blocks: list[Block] | None) -> None:
        self._set_streaming(False)  # a failed stop is not retried: chat.update finishes it
        content = self._content(chunks, piece)
        self.client.chat_stopStream(channel=self.channel, ts=self._ts(), blocks=blocks, **content)

    def _content(self, chunks: Sequence[Chunk], piece: str) -> dict[str, Any]:
        """What a call carries: chunks (steps, then text) when steps are on, else markdown_text."""
        if self.mode != "stream":
            return {"markdown_text": piece} if piece else {}
        everything = [*chunks, MarkdownTextChunk(text=piece)] if piece else list(chunks)
        return {"chunks": everything} if everything else {}

    def _set_streaming(self, on: bool) -> None:
        """This reply's stream is open (or not), here and in the process-wide count."""
        self._streaming = on
        (OPEN_STREAMS.opened if on else OPEN_STREAMS.closed)(self)

    def _ts(self) -> str:
        assert self.ts is not None
        return self.ts

    def _fall_back(self, err: Exception) -> None:
        # The error code only: the whole SlackApiError repeats Slack's response.
        log.info(
            "streaming unavailable in %s, posting and updating instead: %s", self.channel, _why(err)
        )
        self.mode = "fallback"
        self._set_streaming(False)  # a stream that started and then broke is updated in place

    def _known(self, ts: str | None) -> None:
        """Record the message's ts; the first time, tell `on_ts` (which may raise: then stop)."""
        first = self.ts is None and ts is not None
        self.ts = ts or self.ts
        if first and ts is not None and self.on_ts is not None:
            self.on_ts(ts)

    def _show_fallback(self, blocks: list[Block] | None = None) -> None:
        text = truncate(escape(self._text), FALLBACK_TEXT_CHARS) or "…"
        if self.ts is None:
            response = self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=blocks
            )
            self._known(str(response["ts"]))
        else:
            self.client.chat_update(channel=self.channel, ts=self.ts, text=text, blocks=blocks)


def _why(err: Exception) -> str:
    return str(err.response.get("error")) if isinstance(err, SlackApiError) else type(err).__name__


def _pieces(raw: str) -> list[str]:
    # Escaping grows text at most 4x (`<` -> `&lt;`), so raw pieces of a quarter of the limit
    # always fit one call, and no escape sequence is ever cut in two.
    size = STREAM_TEXT_CHARS // 4
    return [stream_markdown(raw[i : i + size]) for i in range(0, len(raw), size)]
