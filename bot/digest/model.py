"""The Digest: a Slack-free picture of one owner's week, rendered to Block Kit or Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.digest.knowledge_to_fix import DocumentToFix, PagesDisagree
from bot.digest.past_fixes import PastFix
from bot.digest.period import Period

STATUSES = ("new", "recurring", "regressed")


@dataclass(frozen=True)
class Counts:
    """Headline numbers of one period."""

    questions: int = 0
    answers: int = 0
    up: int = 0
    down: int = 0
    reports: int = 0
    corrections: int = 0
    errors: int = 0

    @property
    def down_rate(self) -> float:
        """The thumbs-down rate (RATE_DEFINITION): a share of votes, 0 when nobody voted."""
        return down_rate(self.up, self.down)


RATE_DEFINITION = (
    "Thumbs-down rate = thumbs down ÷ (thumbs up + thumbs down), a share of votes, "
    "everywhere in this digest. Fix notices (the bot's follow-ups to reporters) are not counted."
)


def down_rate(up: int, down: int) -> float:
    """Thumbs down as a share of votes: the one thumbs-down rate (0 without votes)."""
    return down / (up + down) if up + down else 0.0


@dataclass(frozen=True)
class Example:
    """An example question of a theme and where it was answered in Slack."""

    question: str
    channel_id: str
    message_ts: str
    reason: str | None = None
    trace_url: str | None = None  # the answer's trace in the team's tool (LASTMILE_TRACE_URL)


@dataclass(frozen=True)
class ProposedCorrection:
    """A correction an employee proposed; the owner can approve it into a verified answer."""

    feedback_id: int
    question: str
    correction: str
    user_id: str


@dataclass(frozen=True)
class ThemeDigest:
    """One theme of the week: how big, how it moves, and what to do about it."""

    theme_id: int
    label: str
    key_terms: tuple[str, ...]
    count: int
    previous_count: int
    status: str  # new | recurring | regressed
    top_reason: str | None
    assignee: str | None
    examples: tuple[Example, ...] = ()
    corrections: tuple[ProposedCorrection, ...] = ()
    bad_answer: str = ""  # one flagged answer, whole (renderers cut and escape it)
    cited: tuple[str, ...] = ()  # knowledge paths the failing answers cited, most cited first
    channels: tuple[str, ...] = ()  # where it was asked, most failures first
    people: int = 0  # distinct people who flagged it (or asked, for provider errors)
    handoffs: int = 0  # its answers handed to a person ("Get help from a person")
    handoffs_open: int = 0  # of them, not resolved yet

    @property
    def trend(self) -> int:
        """Change in failures against the previous period."""
        return self.count - self.previous_count


PROPOSE_FOR = 10  # questions an owner's answer may also be served for (the modal's checkboxes)


@dataclass(frozen=True)
class SilentTheme:
    """One theme of the week's failures nobody flagged (bot/digest/silent.py)."""

    label: str
    count: int
    people: int
    reasons: tuple[tuple[str, int], ...]  # SilentReason values, most common first
    examples: tuple[Example, ...]
    answer_ids: tuple[int, ...]  # newest first: the owner's answer is written on the first

    @property
    def propose_value(self) -> str:
        """The "Propose an answer" button's value: the answers its text may be served for."""
        return answer_ids_value(self.answer_ids[:PROPOSE_FOR])


def answer_ids_value(answer_ids: Sequence[int]) -> str:
    """`12-15-19`: answer ids in a button value or modal metadata (no `:`, which separates)."""
    return "-".join(str(answer_id) for answer_id in answer_ids)


def answer_ids_from(value: object) -> list[int]:
    """The ids `answer_ids_value` wrote (after the last `:`, so metadata may lead); bad: []."""
    tail = str(value or "").split(":")[-1]
    ids = [part for part in tail.replace(",", "-").split("-") if part]
    return [int(part) for part in ids] if ids and all(p.isdigit() for p in ids) else []


@dataclass(frozen=True)
class FixConfirmation:
    """A fix confirmed this period, and what its reporters said to "Is this right now?"."""

    theme_id: int
    label: str
    told: int
    confirmed: int
    disputed: int
    held_back: int  # not told: their question still failed when the fix was checked

    @property
    def text(self) -> str:
        """`3 of 4 reporters confirmed the fix, 1 says it is still wrong, 1 not told`."""
        noun = "reporter" if self.told == 1 else "reporters"
        parts = [f"{self.confirmed} of {self.told} {noun} confirmed the fix"]
        if self.disputed:
            parts.append(f"{self.disputed} {'says' if self.disputed == 1 else 'say'} still wrong")
        if self.held_back:
            parts.append(f"{self.held_back} not told (their question still failed)")
        return ", ".join(parts)


@dataclass(frozen=True)
class VersionRate:
    """Votes on one prompt version and model's answers of the period."""

    prompt_version: str
    model: str
    answers: int
    downs: int
    ups: int = 0

    @property
    def rate(self) -> float:
        """The thumbs-down rate (a share of votes, as the headline's)."""
        return down_rate(self.ups, self.downs)


@dataclass(frozen=True)
class DailyRate:
    """Thumbs down as a share of the day's thumbs."""

    day: date
    votes: int
    downs: int

    @property
    def rate(self) -> float:
        """The day's thumbs-down rate (a share of votes; 0 on a day without votes)."""
        return down_rate(self.votes - self.downs, self.downs)


@dataclass(frozen=True)
class Digest:
    """One owner's digest for one period."""

    owner_id: int
    owner_name: str
    owner_slack_id: str
    period: Period
    counts: Counts
    previous: Counts
    failures: int
    themes: tuple[ThemeDigest, ...] = ()
    hidden_themes: int = 0  # beyond the top N, or snoozed
    by_version: tuple[VersionRate, ...] = ()
    daily: tuple[DailyRate, ...] = field(default_factory=tuple)
    fixes: tuple[FixConfirmation, ...] = ()  # fixes confirmed this period, with replies
    knowledge: tuple[DocumentToFix, ...] = ()  # pages most cited by this period's failures
    conflicts: tuple[PagesDisagree, ...] = ()  # page pairs stating different values
    past_fixes: tuple[PastFix, ...] = ()  # themes fixed lately, regressed first
    silent: tuple[SilentTheme, ...] = ()  # "Couldn't answer well": unflagged failures' themes
    silent_count: int = 0  # this period's unflagged failures (apart from `failures`)
    previous_silent: int = 0  # the previous period's
    hidden_silent: int = 0  # their themes beyond the top ones

    @property
    def marker(self) -> str:
        """A deterministic id for this owner's digest of this period (put in message metadata)."""
        return f"lastmile-digest:{self.owner_id}:{self.period.key}"  # = delivery.digest_marker


def permalink(channel_id: str, message_ts: str) -> str:
    """A link to a message without asking Slack (it redirects to the right workspace)."""
    return f"https://slack.com/archives/{channel_id}/p{message_ts.replace('.', '')}"
