"""Reading settings for the doctor: an invalid value is set aside, reported, and the rest checked.

`Settings.from_env` stops on any problem, which is right for `run` and `serve`; the doctor
instead reads again with each invalid variable unset, so one typo does not hide the state of
the database, Slack or the provider. Each problem is reported by the check it concerns.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.doctor.report import Check, fail, ok
from bot.settings import Settings, SettingsError

_VARIABLE = re.compile(r"^([A-Z][A-Z0-9_]+)")
CONFIG_FIX = "Fix it in the environment or in .env (every variable: .env.example)."


@dataclass(frozen=True)
class Reading:
    """Settings with every invalid variable unset, and the problem each one had."""

    settings: Settings | None
    problems: dict[str, str] = field(default_factory=dict)
    """Variable name -> its problem, as `Settings.from_env` words it."""

    def problem_with(self, *variables: str) -> tuple[str, str] | None:
        """The first (variable, problem) among `variables` that was set aside, if any."""
        return next(((v, self.problems[v]) for v in variables if v in self.problems), None)


def read_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Reading:
    """Read settings as every command does, but keep going past invalid values."""
    env = dict(os.environ if environ is None else environ)
    problems: dict[str, str] = {}
    while True:
        blanked = env | dict.fromkeys(problems, "")  # a real "" wins over .env: the default
        try:
            return Reading(Settings.from_env(blanked, dotenv_path), problems)
        except SettingsError as error:
            found = {_variable(problem): problem for problem in error.problems}
            if "" in found or found.keys() <= problems.keys():
                return Reading(None, problems | found)  # cannot get past it: report only
            problems |= found


def _variable(problem: str) -> str:
    match = _VARIABLE.match(problem)
    return match.group(1) if match else ""


def check_configuration(reading: Reading, *, reported_elsewhere: set[str]) -> list[Check]:
    """Problems no other check reports (log level, numbers, admins...), or one ok line."""
    own = {v: p for v, p in reading.problems.items() if v not in reported_elsewhere}
    if own:
        return [fail("configuration", problem, CONFIG_FIX) for problem in own.values()]
    settings = reading.settings
    if settings is None:
        return [fail("configuration", "settings could not be read", CONFIG_FIX)]
    model = f", model {settings.model}" if settings.model else ""
    return [
        ok(
            "configuration",
            f"provider {settings.provider}{model}, timezone {settings.timezone}, "
            f"log level {settings.log_level}",
        )
    ]
