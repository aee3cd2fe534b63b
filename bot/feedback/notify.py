"""Who hears about feedback: the confirmation a person gets, and urgent pings to an owner."""

from __future__ import annotations

from dataclasses import dataclass

from bot.feedback.signals import REASON_LABELS
from bot.mrkdwn import escape, quote
from bot.owners import route_owner
from storage import Store
from storage.models import Answer, Owner

FALLBACK_OWNER = "the owners of this assistant"
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def review_day(digest_schedule: str) -> str:
    """ "every Monday" for a weekly cron schedule, "regularly" for anything else."""
    fields = digest_schedule.split()
    day = fields[4].upper() if len(fields) == 5 else ""
    names = [name[:3].upper() for name in DAY_NAMES]
    if day in names:  # cron also takes day names: MON, tue, ...
        day = str(names.index(day))
    if day.isdigit() and 0 <= int(day) <= 7:
        return f"every {DAY_NAMES[int(day) % 7]}"
    return "regularly"


def owner_phrase(owner: Owner | None) -> str:
    """ "The People team" from an owner named "People team"; the fallback when nobody owns it."""
    if owner is None or not owner.name.strip():
        return FALLBACK_OWNER
    name = escape(owner.name.strip())
    return name if name.lower().startswith("the ") else f"the {name}"


NO_OWNER = (
    "No one is assigned to review answers on this subject yet, so nobody will see it in a "
    "digest; if it matters, tell the person who runs this assistant."
)


def confirmation(kind: str, owner: Owner | None, digest_schedule: str) -> str:
    """What the person is told after flagging: it is logged, who reviews it, and when.

    A review is promised only when an owner will get this failure in a digest; with no owner
    for it (none configured, or no default) the person is told so instead.
    """
    what = {"correction": "Thanks for the correction", "report": "Thanks for reporting this"}
    opening = what.get(kind, "Thanks")
    if owner is None:
        return f"{opening} — logged. {NO_OWNER}"
    who = owner_phrase(owner)
    who = who[0].upper() + who[1:]
    return (
        f"{opening} — logged. {who} reviews flagged answers {review_day(digest_schedule)}; "
        "you'll hear from me in a DM once it's fixed."
    )


@dataclass(frozen=True)
class UrgentPing:
    """An urgent ping to send: to whom (a Slack user id) and the message text."""

    recipient: str
    text: str


def urgent_reason(store: Store, answer_id: int, reason: str | None, threshold: int) -> str | None:
    """Why a report is urgent (`unsafe` or `N reports`), or None when it can wait."""
    if reason == "unsafe":
        return "unsafe"
    reports = store.count_feedback(answer_id, "report")
    return f"{reports} reports" if reports >= threshold else None


def urgent_text(question: str, answer: Answer, why: str, permalink: str | None) -> str:
    """The urgent message: why, the question and answer quoted and escaped, and a link."""
    label = REASON_LABELS["unsafe"] if why == "unsafe" else why
    lines = [
        f":rotating_light: An answer was reported ({escape(label)}). Please check it now.",
        "*Question*",
        quote(question, 800),
        "*Answer*",
        quote(answer.text, 1500),
    ]
    if permalink:
        lines.append(f"<{permalink}|Open the answer in Slack>")
    return "\n".join(lines)


def plan_urgent_ping(
    store: Store,
    *,
    answer: Answer,
    question: str,
    reason: str | None,
    threshold: int,
    interval_s: int,
    admins: tuple[str, ...] = (),
    permalink: str | None = None,
) -> UrgentPing | None:
    """Decide and claim an urgent ping (once per answer, once per owner per interval)."""
    assert answer.id is not None
    why = urgent_reason(store, answer.id, reason, threshold)
    if why is None:
        return None
    owner = route_owner(store, answer.channel_id, question)
    recipient = owner.slack_id if owner is not None and owner.slack_id else None
    recipient = recipient or (admins[0] if admins else None)
    if recipient is None:
        return None
    owner_id = owner.id if owner is not None else None
    claimed = store.claim_urgent_ping(
        answer_id=answer.id, owner_id=owner_id, reason=why, interval_s=interval_s
    )
    return UrgentPing(recipient, urgent_text(question, answer, why, permalink)) if claimed else None
