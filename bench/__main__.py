"""Run every benchmark module in bench/ in turn: `python -m bench`."""

from __future__ import annotations

import pkgutil
import runpy
from pathlib import Path


def main() -> None:
    """Run each `bench/bench_*.py` as a script."""
    folder = Path(__file__).parent
    for module in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if module.name.startswith("bench_"):
            print(f"\n=== {module.name} ===")
            runpy.run_module(f"bench.{module.name}", run_name="__main__")


if __name__ == "__main__":
    main()
