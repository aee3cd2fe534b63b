"""The prompts check: which version of each prompt a running bot would use, and from where."""

from __future__ import annotations

from bot.answering.prompt import PACKAGED, PROMPT_NAMES, load_prompts, unknown_prompt_files
from bot.doctor.report import Check, ok, warn
from bot.settings import Settings

NAME = "prompts"


def check_prompts(settings: Settings) -> list[Check]:
    """One line listing every prompt's version; a warning per file that is no prompt's name."""
    folder = settings.prompts_dir
    prompts = load_prompts(folder)
    overridden = [p for p in prompts.values() if p.origin != PACKAGED]
    where = (
        f"{len(overridden)} from {folder}" if folder is not None else "LASTMILE_PROMPTS_DIR unset"
    )
    listed = ", ".join(
        f"{p.version} ({'packaged' if p.origin == PACKAGED else 'yours'})" for p in prompts.values()
    )
    checks = [ok(NAME, f"{listed}; {where}")]
    if folder is not None:
        for name in unknown_prompt_files(folder):
            detail = f"{folder / name} is not read: no prompt is called {name[:-3]!r}"
            names = ", ".join(f"{n}.md" for n in PROMPT_NAMES)
            checks.append(warn(NAME, detail, f"Name the file one of {names}."))
    return checks
