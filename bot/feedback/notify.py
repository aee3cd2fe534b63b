"""Who hears about feedback: the confirmation a person gets (urgent pings: bot.feedback.urgent)."""

from __future__ import annotations

from bot.mrkdwn import escape
from storage.models import Owner

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
