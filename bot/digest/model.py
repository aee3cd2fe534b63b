"""The Digest: a Slack-free picture of one owner's week, rendered to Block Kit or Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.digest.period import Period
from bot.feedback.signals import REASON_LABELS

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
        """Thumbs down as a share of all thumbs (0 when nobody voted)."""
        votes = self.up + self.down
        return self.down / votes if votes else 0.0


@dataclass(frozen=True)
class Example:
    """An example question of a theme and where it was answered in Slack."""

    question: str
    channel_id: str
    message_ts: str
    reason: str | None = None


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

    @property
    def trend(self) -> int:
        """Change in failures against the previous period."""
        return self.count - self.previous_count


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
    """Thumbs down per answer for one prompt version and model."""

    prompt_version: str
    model: str
    answers: int
    downs: int

    @property
    def rate(self) -> float:
        """Thumbs down per answer given (0 without answers)."""
        return self.downs / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class DailyRate:
    """Thumbs down as a share of the day's thumbs."""

    day: date
    votes: int
    downs: int

    @property
    def rate(self) -> float:
        """downs / votes (0 on a day without votes)."""
        return self.downs / self.votes if self.votes else 0.0


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

    @property
    def marker(self) -> str:
        """A deterministic id for this owner's digest of this period (put in message metadata)."""
        return f"lastmile-digest:{self.owner_id}:{self.period.key}"  # = delivery.digest_marker


def permalink(channel_id: str, message_ts: str) -> str:
    """A link to a message without asking Slack (it redirects to the right workspace)."""
    return f"https://slack.com/archives/{channel_id}/p{message_ts.replace('.', '')}"


def reason_text(reason: str) -> str:
    """A theme's most common reason in words (`wrong_facts` -> `wrong facts`)."""
    return REASON_LABELS.get(reason, reason.replace("_", " ")).lower()


def themes_text(count: int) -> str:
    """`1 theme`, `3 themes`."""
    return f"{count} theme" if count == 1 else f"{count} themes"


def votes_text(votes: int, downs_rate: float) -> str:
    """A day's thumbs-down share, or `no votes`."""
    if not votes:
        return "no votes"
    return f"{downs_rate:.0%} of {votes} vote" + ("" if votes == 1 else "s")


def failures_text(count: int) -> str:
    """`1 failure`, `3 failures`."""
    return f"{count} failure" if count == 1 else f"{count} failures"


def change(current: float, previous: float) -> str:
    """`+3`, `-2`, `±0` — how a number moved against last period."""
    delta = current - previous
    if isinstance(current, int) and isinstance(previous, int):
        return f"{delta:+d}" if delta else "±0"
    return f"{delta * 100:+.0f} pts" if round(delta * 100) else "±0 pts"
