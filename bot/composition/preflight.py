"""Slack preflight for the CLI: the doctor's Slack lines and the start-up refusal of run/serve.

The checks live in `handlers/preflight.py` (they speak slack_sdk); the CLI reaches them
through the composition root, like everything else in `handlers/`.
"""

from handlers.preflight import SLACK_TIMEOUT_S, slack_checks, slack_startup_problem

__all__ = ["SLACK_TIMEOUT_S", "slack_checks", "slack_startup_problem"]
