"""The `with Fake() as fake:` lifecycle the fake servers share: start on entry, stop on exit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Served(ABC):
    """A fake server that `start()`s in a background thread and `stop()`s cleanly."""

    @abstractmethod
    def start(self) -> Self:
        """Start serving; returns self so `Fake().start()` reads as one step."""

    @abstractmethod
    def stop(self) -> None:
        """Stop serving and release the port."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
