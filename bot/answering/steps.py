"""Thinking steps: what `answer_question` did to ground an answer, told as it happens.

Each step has a stable id; a later update of the same id replaces the earlier one (Slack shows
them as task cards: `task_update` chunks). The steps, in order:

- `verified`  "Checked approved answers": complete, naming the approved answer that matched.
- `search`    "Searched the knowledge base": complete with the passages' sources, or with
              "Nothing relevant found"; error if the search itself failed.
- `model`     "Asked <model>" (an LLM) or "Wrote an answer from the passages" (offline):
              in progress while it answers, then complete, or error on a timeout or a failure.

A verified answer ends after the first step. The text is plain: the sink escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.answering.knowledge import Hit
from bot.answering.types import Answerer, Source
from bot.mrkdwn import truncate

StepStatus = Literal["in_progress", "complete", "error"]
STEP_TEXT_CHARS = 256
"""Slack's limit on a task's `details` and `output`."""
MAX_STEP_SOURCES = 5


@dataclass(frozen=True)
class AnswerStep:
    """One step's latest state; `sources` are the documents it found (with their links)."""

    id: str
    title: str
    status: StepStatus
    details: str | None = None
    output: str | None = None
    sources: tuple[Source, ...] = ()


OnStep = Callable[[AnswerStep], None]


def ignore_step(step: AnswerStep) -> None:
    """For callers that show no steps (eval replays, the CLI)."""


def verified_step(matched_question: str | None) -> AnswerStep:
    """The approved-answers check: which approved question matched, if one did."""
    output = (
        f"Matched the approved answer to: {matched_question}"
        if matched_question is not None
        else "No approved answer matches this question"
    )
    return AnswerStep("verified", "Checked approved answers", "complete", output=_clip(output))


def search_step(hits: Sequence[Hit]) -> AnswerStep:
    """The knowledge search: its documents (each once, best first) or nothing found."""
    title = "Searched the knowledge base"
    if not hits:
        return AnswerStep("search", title, "complete", output="Nothing relevant found")
    documents: dict[str, Source] = {}
    for hit in hits:
        passage = hit.passage
        documents.setdefault(passage.path, Source.of(passage))
    found = list(documents.values())
    passages = "passage" if len(hits) == 1 else "passages"
    files = "document" if len(found) == 1 else "documents"
    return AnswerStep(
        "search",
        title,
        "complete",
        details=_clip(" · ".join(source.title for source in found)),
        output=f"Found {len(hits)} {passages} in {len(found)} {files}",
        sources=tuple(found[:MAX_STEP_SOURCES]),
    )


def search_failed_step() -> AnswerStep:
    """The knowledge search raised: shown as an error before the failure goes on."""
    return AnswerStep("search", "Searched the knowledge base", "error", output="The search failed")


def model_step(
    answerer: Answerer,
    status: StepStatus,
    *,
    timed_out: bool = False,
    seconds: float | None = None,
) -> AnswerStep:
    """The provider call: in progress, complete (with how long it took) or error (why)."""
    title = (
        f"Asked {answerer.model}"
        if answerer.grounding != "extractive"
        else "Wrote an answer from the passages"
    )
    output: str | None = None
    if status == "error":
        output = "Timed out" if timed_out else "The AI service returned an error"
    elif status == "complete" and seconds is not None:
        output = f"Answered in {seconds:.1f} s"
    return AnswerStep("model", _clip(title), status, output=output)


def _clip(text: str) -> str:
    return truncate(text, STEP_TEXT_CHARS)
