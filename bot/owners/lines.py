"""Where things are in an owners file: tomllib gives no line numbers, so scan the text."""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[\s*owner\s*\]\]\s*(#.*)?$")


class Lines:
    """Line numbers of `[[owner]]` headers and of keys and values inside each owner's table."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [n for n, line in enumerate(self.lines, 1) if _HEADER.match(line)]

    def block(self, index: int) -> range:
        """The lines of owner #index+1's table (empty when its header was not found)."""
        if index >= len(self.headers):
            return range(0)
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        return range(self.headers[index], end)

    def of(self, index: int, key: str = "", value: str = "") -> int | None:
        """The line of `key` (and of `value` in it) in owner #index+1, else its header line."""
        block = self.block(index)
        header = block.start if block else None
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        line = next((n for n in block if key and pattern.match(self.lines[n - 1])), None)
        if line is None:
            return header
        quoted = (f'"{value}"', f"'{value}'")
        found = (n for n in range(line, block.stop) if any(q in self.lines[n - 1] for q in quoted))
        return next(found, line) if value else line

    def top_level(self, key: str) -> int | None:
        """The first line that sets or opens `key` outside the owners' tables."""
        pattern = re.compile(rf"^\s*(\[+\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])")
        return next((n for n, s in enumerate(self.lines, 1) if pattern.match(s)), None)
