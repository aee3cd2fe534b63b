"""Loading the captured Slack payloads, and the unique ids builders stamp on them."""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

_ids = itertools.count(1)


def payloads_dir() -> Path:
    """tests/data/slack-payloads: Slack's own SDK test payloads (MIT, see its SOURCE.md)."""
    return Path(__file__).resolve().parents[1] / "data" / "slack-payloads"


@cache
def _raw(relative: str) -> str:
    return (payloads_dir() / relative).read_text(encoding="utf-8")


def load(relative: str) -> Any:
    """A fresh copy of one payload file, e.g. load("events/app_mention.json")."""
    return json.loads(_raw(relative))


def next_event_id() -> str:
    """A unique event id: Ev00000001, Ev00000002, ..."""
    return f"Ev{next(_ids):08d}"


def next_ts() -> str:
    """A unique user-message ts, 1600000000.000100 upwards (the fake API's bot ts are 17...)."""
    micros = 1_600_000_000_000_000 + 100 * next(_ids)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
