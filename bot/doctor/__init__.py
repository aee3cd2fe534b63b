"""`lastmile doctor`: everything an admin must fix, one line per check with the fix; never raises.

Reading settings (`read_settings`) keeps going past invalid values; `run_checks` looks at the
database (read-only), the provider (one cheap call), Slack (checks injected by the caller, so
the core stays free of Slack code), the knowledge folder, the owners and the digest schedule.
"""

from bot.doctor.config import Reading, read_settings
from bot.doctor.report import Check, Status, exit_code, fail, ok, render, summary, warn
from bot.doctor.run import SlackChecks, run_checks

__all__ = [
    "Check",
    "Reading",
    "SlackChecks",
    "Status",
    "exit_code",
    "fail",
    "ok",
    "read_settings",
    "render",
    "run_checks",
    "summary",
    "warn",
]
