"""Turn an `AnswerRequest` into chat messages, keeping user text apart from instructions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.answering.types import AnswerRequest, Passage, Turn

MAX_HISTORY_TURNS = 12
MAX_TURN_CHARS = 4_000


@dataclass(frozen=True)
class ChatMessage:
    """One provider-neutral message."""

    role: Literal["user", "assistant"]
    content: str


def neutralise(text: str) -> str:
    """Escape `&`, `<` and `>` so text can never open or close one of our tags."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_context(passages: tuple[Passage, ...]) -> str:
    """The numbered passages inside one <context> block."""
    if not passages:
        return "<context>\n(no passages found)\n</context>"
    parts = [
        f'<passage id="{n}" title="{neutralise(p.title)}" path="{neutralise(p.path)}">\n'
        f"{neutralise(p.text)}\n</passage>"
        for n, p in enumerate(passages, start=1)
    ]
    return "<context>\n" + "\n".join(parts) + "\n</context>"


def render_question(question: str) -> str:
    """The user's question, escaped, inside <question> tags."""
    return f"<question>\n{neutralise(question)}\n</question>"


def build_messages(request: AnswerRequest) -> list[ChatMessage]:
    """History as prior turns, then context and the question as the final user message."""
    messages = [_history_message(turn) for turn in request.history[-MAX_HISTORY_TURNS:]]
    final = render_context(request.context) + "\n\n" + render_question(request.question)
    if request.note:
        final = render_context(request.context) + f"\n\n<note>\n{neutralise(request.note)}\n</note>"
        final += "\n\n" + render_question(request.question)
    messages.append(ChatMessage("user", final))
    return _alternating(messages)


def _history_message(turn: Turn) -> ChatMessage:
    text = turn.text[:MAX_TURN_CHARS]
    if turn.role == "user":
        return ChatMessage("user", render_question(text))
    return ChatMessage("assistant", text)


def _alternating(messages: list[ChatMessage]) -> list[ChatMessage]:
    # Anthropic requires user-first, strictly alternating roles; OpenAI accepts that too.
    merged: list[ChatMessage] = []
    for message in messages:
        if not merged and message.role == "assistant":
            continue
        if merged and merged[-1].role == message.role:
            merged[-1] = ChatMessage(message.role, merged[-1].content + "\n\n" + message.content)
        else:
            merged.append(message)
    return merged
