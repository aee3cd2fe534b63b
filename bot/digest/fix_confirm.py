"""Confirming a checked fix: mark the theme fixed, plan the notices, record what was sent.

`confirm_fix` plans one notice per reporter none of whose questions fails (a reporter of a
*changed* question is told too: "Is this right now?" is how it gets checked). Reporters with a
failing question are not told, and their reports stay unclaimed for a later, real fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.digest.fix_check import FixCheckResult, QuestionCheck
from bot.runtime import Runtime
from storage.models import FixNotice, Theme

CHECK_VALID = timedelta(hours=24)
"""A check older than this is not confirmed: knowledge or answers may have changed since."""


@dataclass(frozen=True)
class PlannedNotice:
    """One reporter to tell, with the new answer to their own question."""

    notice_id: int
    user_id: str
    check: QuestionCheck
    question_id: int


@dataclass(frozen=True)
class ConfirmedFix:
    """The theme marked fixed, the reporters to tell now, and those held back."""

    theme: Theme
    notices: tuple[PlannedNotice, ...]
    held_back: tuple[str, ...]
    first: bool  # False when this check was confirmed before (a double click): nobody is told


def confirm_fix(runtime: Runtime, result: FixCheckResult, *, by: str) -> ConfirmedFix | None:
    """Mark the theme fixed and plan a notice per reporter whose questions all pass or changed.

    Each report is claimed once (notified_fixed_at), so concurrent confirms never tell twice.
    None when the theme is gone or the check is older than `CHECK_VALID`.
    """
    store = runtime.store
    theme = store.get_theme(result.theme_id)
    if theme is None or store.now() - result.checked_at > CHECK_VALID:
        return None
    first = store.claim_fix_confirmation(result.check_id, by=by)
    if not first:
        return ConfirmedFix(theme, (), tuple(sorted(result.held_back)), first=False)
    store.mark_theme_fixed(result.theme_id, by=by)
    held_back = result.held_back
    planned: list[PlannedNotice] = []
    for check in result.questions:
        for user, question_id in zip(check.users, check.question_ids, strict=True):
            if user in held_back or any(p.user_id == user for p in planned):
                continue
            notice = _plan(runtime, result, check, user, question_id)
            if notice is not None:
                planned.append(notice)
    fixed = store.get_theme(result.theme_id) or theme
    return ConfirmedFix(fixed, tuple(planned), tuple(sorted(held_back)), first=True)


def _plan(
    runtime: Runtime, result: FixCheckResult, check: QuestionCheck, user: str, question_id: int
) -> PlannedNotice | None:
    store = runtime.store
    mine = [r.feedback_id for r in store.theme_reports(result.theme_id) if r.user_id == user]
    if not store.claim_reports_told(mine):
        return None  # told about an earlier fix, or by a concurrent confirm
    row = FixNotice(
        fix_check_id=result.check_id, theme_id=result.theme_id, user_id=user,
        question_id=question_id, outcome=check.outcome, created_at=store.now(),
    )  # fmt: skip
    notice = store.add_fix_notice(row)
    if notice is None or notice.id is None:
        return None
    return PlannedNotice(notice.id, user, check, question_id)


def record_notice_sent(
    runtime: Runtime, notice: PlannedNotice, *, channel_id: str, message_ts: str
) -> int:
    """Store the new answer as sent to the reporter (an Answer to their question); its id.

    Votes and reactions on that message are then feedback like any other, so a thumbs down on
    it is a failure of the theme in the next digest.
    """
    check = notice.check
    answer = runtime.store.add_answer(
        question_id=notice.question_id, text=check.answer, provider=check.provider,
        model=check.model, prompt_version=check.prompt_version,
        confidence_line=check.confidence_line[:255], verified_answer_id=check.verified_answer_id,
        channel_id=channel_id, message_ts=message_ts, thread_ts=message_ts,
    )  # fmt: skip
    assert answer.id is not None
    runtime.store.set_fix_notice_answer(notice.notice_id, answer.id)
    return answer.id
