"""Counting what checked fixes did, for the demo and for anyone auditing the loop.

`fix_tally` re-asks, now, the question of every reporter who was told about a fix and scores it
as the check did (bot/digest/fix_check.py), so "told while their question still fails" is
measured against the answer lastmile gives today, not taken from the check's own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.asking import verified_entries
from bot.digest.fix_check import FixCheckResult, judge_outcome, load_fix_check
from bot.eval.replay import replay_question
from bot.runtime import Runtime
from bot.vocabulary import FixOutcome


@dataclass(frozen=True)
class FixTally:
    """Reporters told about confirmed fixes, held back, and told while their question fails."""

    told: int
    held_back: int
    told_while_failing: int


def fix_tally(runtime: Runtime, *, since: datetime | None = None) -> FixTally:
    """Count the reporters of fixes confirmed (since a time) and re-check each one told, now."""
    store = runtime.store
    results: dict[int, FixCheckResult] = {}
    for row in store.confirmed_fix_checks(since=since):
        result = load_fix_check(runtime, row.id) if row.id is not None else None
        if result is not None:
            results[result.check_id] = result
    notices = store.fix_notices(list(results))
    verified = verified_entries(runtime)
    failing = 0
    for notice in notices:
        mine = [q for q in results[notice.fix_check_id].questions if notice.user_id in q.users]
        for check in mine:
            new = replay_question(runtime, check.question, verified)
            if judge_outcome(check.question, check.flagged, check.expected, new)[0] == (
                FixOutcome.FAILS
            ):
                failing += 1
                break
    told = {(n.fix_check_id, n.user_id) for n in notices}
    held_back = sum(
        len({(r.check_id, user) for user in r.held_back} - told) for r in results.values()
    )
    return FixTally(told=len(notices), held_back=held_back, told_while_failing=failing)
