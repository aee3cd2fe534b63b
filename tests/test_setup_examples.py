"""The setup examples in README.md and docs/ are files lastmile accepts, so copying one works."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bot.answering.markdown import read_passages
from bot.owners import load_owners_file
from bot.workspace import load_workspace_file
from tests.conftest import PROJECT_ROOT

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]


def blocks(language: str) -> list[tuple[str, str]]:
    """(file name, code) of every fenced block in that language, list-item indent removed."""
    fence = re.compile(rf"^( *)```{language}\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
    return [
        (doc.name, textwrap.dedent(match.group(2)))
        for doc in DOCS
        for match in fence.finditer(doc.read_text(encoding="utf-8"))
    ]


def test_readme_shows_an_owners_file_and_a_knowledge_page() -> None:
    found = {(name, language) for language in ("toml", "markdown") for name, _ in blocks(language)}
    assert {("README.md", "toml"), ("README.md", "markdown")} <= found


def toml_examples(kind: str) -> list[tuple[str, str]]:
    """TOML blocks of one kind: an owners file holds [[owner]] tables, a workspace file does not."""
    return [
        (doc, code) for doc, code in blocks("toml") if ("[[owner]]" in code) == (kind == "owners")
    ]


def test_the_docs_show_both_kinds_of_toml_file() -> None:
    assert toml_examples("owners") and toml_examples("workspace")


@pytest.mark.parametrize(("doc", "code"), toml_examples("owners"))
def test_owners_file_examples_are_valid(doc: str, code: str, tmp_path: Path) -> None:
    path = tmp_path / "owners.toml"
    path.write_text(code, encoding="utf-8")
    assert load_owners_file(path), doc


@pytest.mark.parametrize(("doc", "code"), toml_examples("workspace"))
def test_workspace_file_examples_are_valid(doc: str, code: str, tmp_path: Path) -> None:
    path = tmp_path / "workspace.toml"
    path.write_text(code, encoding="utf-8")
    config = load_workspace_file(path)
    assert config.agent.greeting in code, doc


@pytest.mark.parametrize(("doc", "code"), blocks("markdown"))
def test_knowledge_page_examples_keep_their_front_matter(
    doc: str, code: str, tmp_path: Path
) -> None:
    page = tmp_path / "page.md"
    page.write_text(code, encoding="utf-8")
    passages = read_passages(page, tmp_path)
    assert passages, doc
    if code.startswith("---\n"):
        assert all(p.url and p.title != "Page" for p in passages), doc
