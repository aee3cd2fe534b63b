"""Streaming an answer into a Slack thread, with a post-and-update fallback.

Slack's streaming methods (chat.startStream/appendStream/stopStream via `client.chat_stream`) are
used when the workspace has them. The first chunk starts the stream at once, so the asker sees
text as soon as the provider sends it; later chunks are flushed at most once per `interval_s` of
the injected clock, and the rest goes with stopStream together with the footer blocks.
When startStream fails (feature unavailable, any `ok: false`), the reply falls back to
chat.postMessage plus chat.update under the same throttle. If a started stream breaks, the
message it created is finished with chat.update.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.models.blocks import Block
from slack_sdk.web.chat_stream import ChatStream

from bot.mrkdwn import escape, truncate

log = logging.getLogger(__name__)

STREAM_TEXT_CHARS = 12_000
"""Slack's limit on `markdown_text` in one streaming call."""
UPDATE_INTERVAL_S = 1.0
FALLBACK_TEXT_CHARS = 3_000
"""While streaming by post-and-update the text is shown plain; blocks come at the end."""


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
    """One answer message in a thread: `append` raw chunks, then `finish` with blocks."""

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
    ) -> None:
        self.client = client
        self.on_ts = on_ts  # told the message's ts once it exists, before any more is sent
        self.channel = channel
        self.thread_ts = thread_ts
        self.clock = clock
        self.interval_s = interval_s
        self.mode = "stream"  # -> "fallback" when Slack refuses or breaks the stream
        self.ts: str | None = None
        self._text = ""
        self._sent = 0  # how much of _text is already shown (streaming mode)
        self._last_flush: float | None = None
        # buffer_size=1: our throttle decides when to flush, ChatStream only makes the calls.
        self._stream: ChatStream = client.chat_stream(
            channel=channel,
            thread_ts=thread_ts,
            recipient_team_id=recipient_team_id,
            recipient_user_id=recipient_user_id,
            buffer_size=1,
        )

    def resume_at(self, ts: str) -> None:
        """Replace the message at `ts` (an earlier attempt's partial reply) instead of posting.

        Its stream is stopped first, in case the earlier attempt died before stopping it.
        """
        try:
            self.client.chat_stopStream(channel=self.channel, ts=ts)
        except (SlackApiError, SlackRequestError) as err:
            why = err.response.get("error") if isinstance(err, SlackApiError) else "request"
            log.info("earlier reply %s not streaming any more (%s)", ts, why)
        self.mode = "fallback"
        self.ts = ts

    def abort(self, notice: str) -> None:
        """End a started reply with `notice` after a failure (nothing was posted: no-op)."""
        if self.ts is None and self._stream.ts is None:
            return
        text = f"{escape(self._text)}\n\n_{escape(notice)}_" if self._text else escape(notice)
        try:
            if self.mode == "stream" and self._stream.ts is not None:
                self._stream.stop(markdown_text=f"\n\n_{stream_markdown(notice)}_")
            else:
                ts = self.ts or self._stream.ts
                assert ts is not None
                self.client.chat_update(channel=self.channel, ts=ts, text=truncate(text, 3_000))
        except (SlackApiError, SlackRequestError) as err:
            log.warning("could not end the reply in %s after a failure: %s", self.channel, err)

    @property
    def text(self) -> str:
        """The raw (unescaped) text received so far."""
        return self._text

    def append(self, chunk: str) -> None:
        """Add raw model text; shows it now if the throttle allows."""
        self._text += chunk
        now = self.clock()
        if self._last_flush is not None and now - self._last_flush < self.interval_s:
            return
        self._last_flush = now
        if self.mode == "stream":
            self._stream_pending()
        else:
            self._show_fallback()

    def finish(self, *, stream_blocks: Sequence[Block], full_blocks: Sequence[Block]) -> str:
        """Complete the message and return its ts.

        `stream_blocks` go under the streamed text; on the fallback path `full_blocks` replace the
        whole message (they carry the answer text themselves).
        """
        if self.mode == "stream":
            try:
                pieces = _pieces(self._text[self._sent :])
                for piece in pieces[:-1]:
                    self._stream.append(markdown_text=piece)
                last = pieces[-1] if pieces else None
                self._stream.stop(markdown_text=last, blocks=list(stream_blocks))
                self._known(self._stream.ts)
            except (SlackApiError, SlackRequestError) as err:
                self._fall_back(err)
        if self.mode == "fallback":
            self._show_fallback(list(full_blocks))
        assert self.ts is not None
        return self.ts

    def _stream_pending(self) -> None:
        try:
            for piece in _pieces(self._text[self._sent :]):
                self._stream.append(markdown_text=piece)
            self._sent = len(self._text)
            self._known(self._stream.ts)
        except (SlackApiError, SlackRequestError) as err:
            self._fall_back(err)
            self._show_fallback()

    def _fall_back(self, err: Exception) -> None:
        why = err.response.get("error") if isinstance(err, SlackApiError) else type(err).__name__
        # The error code only: the whole SlackApiError repeats Slack's response.
        log.info("streaming unavailable in %s, posting and updating instead: %s", self.channel, why)
        self.mode = "fallback"
        self._known(self._stream.ts)  # a stream that started and then broke is updated in place

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


def _pieces(raw: str) -> list[str]:
    # Escaping grows text at most 4x (`<` -> `&lt;`), so raw pieces of a quarter of the limit
    # always fit one call, and no escape sequence is ever cut in two.
    size = STREAM_TEXT_CHARS // 4
    return [stream_markdown(raw[i : i + size]) for i in range(0, len(raw), size)]
