"""After a fix: the reporter's "Is this right now?" reply, and new flags on fixed themes.

Both reopen a fixed theme at once (status back to open, `fixed_at` kept, so the next digest
shows it as regressed) and return what the owner must be told; Slack does the telling.

A new flag belongs to a fixed theme only when it is precise to say so (a wrong "regressed" is
worse than waiting for the weekly clustering): the flagged answer was given after the fix, the
question routes to the theme's owner, and either the answer served was the theme's verified
answer, or the question has the same stemmed content words (bot/answering retrieval terms) as
one of the theme's flagged questions, give or take a word in a long question.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.answering.stem import terms
from bot.mrkdwn import escape, quote, truncate
from bot.owners import route_owner
from bot.vocabulary import FAILURE_KINDS, FeedbackKind, FixReply
from storage import Store
from storage.models import Answer, Feedback, FixNotice, Owner, Theme
from storage.queries.base import as_utc

TERM_OVERLAP = 0.75  # Jaccard of the two questions' stemmed content words
TERM_RATIO = 90.0  # and rapidfuzz token_sort_ratio of those words


@dataclass(frozen=True)
class Reopened:
    """A fixed theme that failed again, and what to tell its owner."""

    theme: Theme
    owner: Owner | None
    text: str


@dataclass(frozen=True)
class ReplyResult:
    """A reporter's reply to "Is this right now?"."""

    notice: FixNotice
    reply: str
    changed: bool
    reopened: Reopened | None
    variant_added: bool = False  # the reporter's wording now matches the verified answer too


def same_question(a: str, b: str) -> bool:
    """True when two questions ask the same thing in (almost) the same content words."""
    mine, theirs = set(terms(a)), set(terms(b))
    if not mine or not theirs:
        return False
    if mine == theirs:
        return True
    overlap = len(mine & theirs) / len(mine | theirs)
    ratio = fuzz.token_sort_ratio(" ".join(sorted(mine)), " ".join(sorted(theirs)))
    return overlap >= TERM_OVERLAP and ratio >= TERM_RATIO


def record_reply(store: Store, notice_id: int, user_id: str, reply: str) -> ReplyResult | None:
    """Store a reporter's reply (only the reporter's own); a `wrong` reopens the theme."""
    notice = store.get_fix_notice(notice_id)
    if notice is None or notice.user_id != user_id or reply not in tuple(FixReply):
        return None
    changed = store.record_fix_reply(notice_id, reply)
    if not changed:  # a second click, or an old copy of the message: the first reply stands
        return ReplyResult(notice, notice.reply or reply, False, None)
    kind = FeedbackKind.UP if reply == FixReply.RIGHT else FeedbackKind.DOWN
    if notice.answer_id is not None and store.get_answer(notice.answer_id) is not None:
        vote, _ = store.record_vote(
            answer_id=notice.answer_id, user_id=user_id, kind=kind, source="button"
        )
        if vote.id is not None:
            store.tag_feedback(notice.theme_id, [vote.id])
    if changed and reply == FixReply.WRONG:
        reopened = _reopen(store, notice.theme_id, _disputed_text(store, notice))
        return ReplyResult(notice, reply, changed, reopened)
    return ReplyResult(notice, reply, changed, None, changed and _add_variant(store, notice))


def _add_variant(store: Store, notice: FixNotice) -> bool:
    """A reporter confirmed that the verified answer answers their question: add its wording."""
    answer = store.get_answer(notice.answer_id) if notice.answer_id is not None else None
    if answer is None or answer.verified_answer_id is None:
        return False  # answered from knowledge: nothing verified to attach the wording to
    question = store.get_question(answer.question_id)
    if question is None:
        return False
    return store.add_verified_variant(
        answer.verified_answer_id, question.text, added_by=notice.user_id
    )


def watch_fixed_themes(store: Store, answer: Answer, feedback: Feedback | None) -> Reopened | None:
    """A new flag on an answer given after a theme's fix, to that theme's question: reopen it."""
    if feedback is None or feedback.kind not in FAILURE_KINDS or feedback.id is None:
        return None
    question = store.get_question(answer.question_id)
    if question is None:
        return None
    for theme in store.fixed_themes():
        if theme.id is None or theme.fixed_at is None:
            continue
        if as_utc(answer.created_at) < as_utc(theme.fixed_at):
            continue  # an answer given before the fix: known to be wrong, not a regression
        if not _matches(store, theme, answer, question.text):
            continue
        store.tag_feedback(theme.id, [feedback.id])
        text = _flagged_text(theme, question.text, feedback, answer)
        return _reopen(store, theme.id, text)
    return None


def _matches(store: Store, theme: Theme, answer: Answer, question: str) -> bool:
    owner = route_owner(store, answer.channel_id, question)
    if owner is None or owner.id != theme.owner_id or theme.id is None:
        return False
    served = answer.verified_answer_id
    if served is not None and store.verified_theme_id(served) == theme.id:
        return True
    return any(same_question(question, r.question) for r in store.theme_reports(theme.id))


def _reopen(store: Store, theme_id: int, text: str) -> Reopened | None:
    store.reopen_theme(theme_id)  # already open (another reporter said so first): still tell
    theme = store.get_theme(theme_id)
    if theme is None:
        return None
    owner = store.get_owner(theme.owner_id) if theme.owner_id is not None else None
    return Reopened(theme, owner, text)


def _label(theme: Theme) -> str:
    return truncate(escape(theme.label), 150)


def _disputed_text(store: Store, notice: FixNotice) -> str:
    theme = store.get_theme(notice.theme_id)
    question = store.get_question(notice.question_id) if notice.question_id else None
    answer = store.get_answer(notice.answer_id) if notice.answer_id else None
    lines = [
        f":warning: <@{notice.user_id}> says the fix of *{_label(theme) if theme else 'a theme'}* "
        "is still wrong for their question, so the theme is open again.",
    ]
    if question is not None:
        lines += ["*Their question*", quote(question.text, 800)]
    if answer is not None:
        lines += ["*The answer they got after the fix*", quote(answer.text, 1500)]
    return "\n".join(lines)


def _flagged_text(theme: Theme, question: str, feedback: Feedback, answer: Answer) -> str:
    how = {"down": "a thumbs down", "report": "a report", "correction": "a correction"}
    return "\n".join(
        [
            f":warning: *{_label(theme)}* was marked fixed, but <@{feedback.user_id}> just gave "
            f"{how.get(feedback.kind, 'a flag')} on the same question, so the theme is open again.",
            "*Question*",
            quote(question, 800),
            "*Answer*",
            quote(answer.text, 1500),
        ]
    )
