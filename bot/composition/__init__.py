"""The composition root: the one place in `bot/` that wires the core to Slack (`handlers/`).

Only this package, the CLI (`bot/cli`) and the demo (`bot/demo`) may import `handlers`; the
rest of `bot/` is free of Slack (import-linter contracts in pyproject.toml, run by `make lint`).
See docs/architecture.md.
"""

from bot.composition.root import RunningBot, assemble, background_services, compose, send_now

__all__ = ["RunningBot", "assemble", "background_services", "compose", "send_now"]
