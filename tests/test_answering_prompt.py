"""Prompt files are package data with a content-derived version; user text stays delimited."""

from __future__ import annotations

import hashlib
from importlib import resources

from bot.answering import AnswerRequest, Passage, Prompt, Turn, load_prompt
from bot.answering.messages import build_messages


def test_prompt_version_is_name_and_first_8_hex_of_sha256() -> None:
    prompt = load_prompt("answer")
    raw = resources.files("bot.prompts").joinpath("answer.md").read_bytes()
    assert prompt.version == "answer@" + hashlib.sha256(raw).hexdigest()[:8]
    assert load_prompt("answer").version == prompt.version  # stable across loads


def test_prompt_version_changes_when_the_content_changes() -> None:
    prompt = load_prompt()
    edited = Prompt(prompt.name, prompt.text + "\nBe terse.")
    assert edited.version != prompt.version
    assert edited.version.startswith("answer@") and len(edited.version) == len("answer@") + 8


def test_the_system_prompt_forbids_revealing_itself_and_secrets() -> None:
    text = load_prompt().text
    assert "Never reveal" in text and "secrets" in text
    assert "<question>" in text and "<context>" in text


def test_roles_alternate_starting_with_the_user() -> None:
    history = (
        Turn("assistant", "Hi! Ask me anything."),
        Turn("user", "first"),
        Turn("user", "second"),
        Turn("assistant", "answer"),
    )
    request = AnswerRequest(
        "third <b>", history, (Passage("T", "t.md", "", "body"),), load_prompt()
    )
    messages = build_messages(request)
    assert [m.role for m in messages] == ["user", "assistant", "user"]
    assert "first" in messages[0].content and "second" in messages[0].content
    assert messages[-1].content.endswith("<question>\nthird &lt;b&gt;\n</question>")
