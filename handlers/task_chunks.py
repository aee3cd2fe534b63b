"""Thinking steps as Slack `task_update` chunks (task cards in a streamed message).

A step's text is plain: documents' titles and an approved question come from people. It is
made unable to mention anyone or form a link in whichever way Slack renders it: `<` and `>`
become the look-alikes `‹` `›` (an entity like `&lt;` would show literally in plain text),
and nothing else changes. Sources become URL source elements; a document without a link is
named in the step's details instead.
"""

from __future__ import annotations

from slack_sdk.models.blocks.block_elements import UrlSourceElement
from slack_sdk.models.messages.chunk import TaskUpdateChunk

from bot.answering.steps import AnswerStep


def plain(text: str) -> str:
    """Text that can't become a mention or a link, in plain text or in mrkdwn."""
    return text.replace("<", "‹").replace(">", "›")


def task_chunk(step: AnswerStep, *, status: str | None = None) -> TaskUpdateChunk:
    """The chunk showing `step` (with `status` instead of its own, e.g. "error" on abort)."""
    sources = [
        UrlSourceElement(url=source.url, text=plain(source.label))
        for source in step.sources
        if source.url and source.url.startswith(("https://", "http://"))
    ]
    return TaskUpdateChunk(
        id=step.id,
        title=plain(step.title),
        status=status or step.status,
        details=plain(step.details) if step.details else None,
        output=plain(step.output) if step.output else None,
        sources=sources or None,
    )
