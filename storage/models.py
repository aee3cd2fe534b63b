"""The tables. Every datetime is aware UTC (sqlmodel refuses naive values)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.vocabulary import FEEDBACK_KINDS, FEEDBACK_SOURCES, REPORT_REASONS, THEME_STATUSES

__all__ = ["FEEDBACK_KINDS", "FEEDBACK_SOURCES", "REPORT_REASONS", "THEME_STATUSES"]


class ProcessedEvent(SQLModel, table=True):
    """A Slack delivery we accepted; the unique id makes redeliveries no-ops across replicas."""

    __tablename__ = "processed_event"
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=255)
    kind: str = Field(max_length=64, index=True)
    status: str = Field(default="received", max_length=16, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    received_at: datetime = Field(index=True)  # retention deletes by age (bot/retention.py)
    started_at: datetime | None = None
    lease_until: datetime | None = None
    """While `processing`: the worker renews this; once past, others may retake the event."""
    finished_at: datetime | None = None


class Question(SQLModel, table=True):
    """Something an employee asked."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    user_id: str = Field(max_length=64)
    channel_id: str = Field(default="", max_length=64, index=True)
    thread_ts: str = Field(default="", max_length=32)
    message_ts: str = Field(default="", max_length=32)
    via: str = Field(default="mention", max_length=16)
    event_id: str | None = Field(default=None, max_length=255, index=True)
    reply_ts: str = Field(default="", max_length=32)
    """The ts of the reply message, recorded as soon as it exists (before the answer streams)."""
    created_at: datetime = Field(index=True)


class Answer(SQLModel, table=True):
    """What the bot answered (or failed to), with everything needed to judge it later."""

    __table_args__ = (UniqueConstraint("channel_id", "message_ts", name="uq_answer_message"),)
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    provider: str = Field(max_length=32)
    model: str = Field(max_length=128)
    prompt_version: str = Field(max_length=128, index=True)
    sources: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    confidence: float = 0.0
    confidence_line: str = Field(default="", max_length=255)
    latency_ms: int = 0
    error: str | None = Field(default=None, max_length=1000)
    verified_answer_id: int | None = Field(default=None, foreign_key="verified_answer.id")
    channel_id: str = Field(default="", max_length=64)
    message_ts: str | None = Field(default=None, max_length=32)
    thread_ts: str = Field(default="", max_length=32)
    created_at: datetime = Field(index=True)
    trace_id: str | None = Field(default=None, max_length=32)  # its OpenTelemetry trace, if any
    span_id: str | None = Field(default=None, max_length=16)


class Feedback(SQLModel, table=True):
    """One signal about one answer. `dedupe_key` makes double clicks and redeliveries one row."""

    __table_args__ = (Index("ix_feedback_answer_kind", "answer_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id", index=True)
    user_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=32)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    source_link: str | None = Field(default=None, max_length=2000)
    source: str = Field(max_length=16)
    dedupe_key: str = Field(unique=True, max_length=255)
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True)
    notified_fixed_at: datetime | None = None
    created_at: datetime = Field(index=True)
    updated_at: datetime


class VerifiedAnswer(SQLModel, table=True):
    """An approved correction: the bot serves it before asking any provider."""

    __tablename__ = "verified_answer"
    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    approved_by: str = Field(max_length=64)
    approved_by_name: str = Field(default="", max_length=255)
    source_feedback_id: int | None = Field(default=None, unique=True)  # no FK: avoids a cycle
    theme_id: int | None = Field(default=None, foreign_key="theme.id")
    active: bool = True  # False once retired: never served again
    created_at: datetime
    owner_id: int | None = Field(default=None, foreign_key="owner.id", index=True)  # reviews it
    checked_at: datetime | None = None  # last confirmed true: approval, Keep or Edit
    review_asked_at: datetime | None = None  # "still true?" sent; cleared by Keep or Edit
    updated_by: str | None = Field(default=None, max_length=64)  # last edit, Keep or retire
    retired_at: datetime | None = None


class VerifiedQuestionVariant(SQLModel, table=True):
    """One wording of the question a verified answer answers; the matcher reads every one."""

    __tablename__ = "verified_question_variant"
    __table_args__ = (
        UniqueConstraint("verified_answer_id", "key", name="uq_verified_variant_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    verified_answer_id: int = Field(foreign_key="verified_answer.id", index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    key: str = Field(max_length=64)  # sha256 of the lowercased, space-collapsed wording
    source: str = Field(max_length=16)  # VariantSource: approved | theme | confirmed | owner
    added_by: str = Field(default="", max_length=64)
    created_at: datetime


class Owner(SQLModel, table=True):
    """Who owns which failures: by channel and by topic; one default owner catches the rest."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=255)
    slack_id: str = Field(max_length=64)
    channels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    members: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # User group ids (S...) whose members may also act on this owner's digest (issue 11).
    member_groups: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    helpers: str | None = Field(default=None, max_length=64)  # "Get help from a person" asks
    is_default: bool = False
    created_at: datetime


class Theme(SQLModel, table=True):
    """A cluster of failures that persists across weeks so fixes and regressions can be tracked."""

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int | None = Field(default=None, foreign_key="owner.id", index=True)
    label: str = Field(max_length=255)
    label_source: str = Field(default="terms", max_length=16)  # terms, question or model
    key_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The unit mean embedding of its questions, in `centroid_model`'s space: next week's
    # clusters continue the theme by meaning, not by shared words (bot/digest/themes.py).
    centroid: list[float] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    centroid_model: str | None = Field(default=None, max_length=64)
    top_reason: str | None = Field(default=None, max_length=32)
    status: str = Field(default="open", max_length=16)
    assignee: str | None = Field(default=None, max_length=64)
    fixed_at: datetime | None = None
    fixed_by: str | None = Field(default=None, max_length=64)
    snoozed_until: datetime | None = None
    wont_fix_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status_by: str | None = Field(default=None, max_length=64)  # who last set the status
    status_at: datetime | None = None  # when (shown in the digest message: "by @x, 10:42")
    first_seen: datetime
    last_seen: datetime


class DigestRun(SQLModel, table=True):
    """One owner's digest for one period, claimed before posting so it is posted exactly once."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("owner_id", "period", name="uq_digest_owner_period"),)
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="owner.id")
    period: str = Field(max_length=16)
    status: str = Field(default="claimed", max_length=16)
    claimed_by: str = Field(max_length=255)
    claimed_at: datetime
    # A fresh token per claim (and takeover): the holder proves with it that it still holds
    # the claim before posting and when recording, so a stalled process can't post twice.
    claim_token: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=255)  # Slack's error when 'failed'
    channel_id: str | None = Field(default=None, max_length=64)
    message_ts: str | None = Field(default=None, max_length=32)
    posted_at: datetime | None = None
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class UrgentPing(SQLModel, table=True):
    """One urgent report to an owner. Sent at once, or (within the owner's interval) pending
    with `sent_at` unset until one coalesced message lists every pending report."""

    __tablename__ = "urgent_ping"
    __table_args__ = (UniqueConstraint("answer_id", name="uq_urgent_answer"),)
    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    owner_id: int | None = Field(default=None, foreign_key="owner.id", index=True)
    reason: str = Field(max_length=64)
    created_at: datetime = Field(index=True)
    sent_at: datetime | None = Field(default=None, index=True)
    channel_id: str | None = Field(default=None, max_length=64)  # where the ping was posted
    message_ts: str | None = Field(default=None, max_length=32)


# --- Checked fixes (issue 10: "Mark fixed" is verified before anyone is told) ---------------


class FixCheck(SQLModel, table=True):
    """A theme's flagged questions replayed when an owner pressed Mark fixed, before confirming.

    `results` holds one entry per distinct question (bot/digest/fix_check.py `QuestionCheck`);
    the Confirm button points here, so reporters are told what the owner saw.
    """

    __tablename__ = "fix_check"
    id: int | None = Field(default=None, primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", index=True)
    checked_by: str = Field(max_length=64)
    results: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime
    confirmed_at: datetime | None = None
    confirmed_by: str | None = Field(default=None, max_length=64)
    digest_channel: str | None = Field(default=None, max_length=64)  # the digest message the
    digest_ts: str | None = Field(default=None, max_length=32)  # Mark fixed was pressed on


class FixNotice(SQLModel, table=True):
    """One reporter told that a theme was fixed, with the new answer, and what they replied.

    Ids of questions and answers are plain columns (no foreign key) so retention can delete
    old questions without touching this table.
    """

    __tablename__ = "fix_notice"
    __table_args__ = (UniqueConstraint("fix_check_id", "user_id", name="uq_fix_notice_user"),)
    id: int | None = Field(default=None, primary_key=True)
    fix_check_id: int = Field(foreign_key="fix_check.id")
    theme_id: int = Field(foreign_key="theme.id", index=True)
    user_id: str = Field(max_length=64)
    question_id: int | None = None
    answer_id: int | None = None  # the new answer as sent to the reporter (an Answer row)
    outcome: str = Field(max_length=16)  # FixOutcome: passes | changed
    reply: str | None = Field(default=None, max_length=16)  # FixReply: right | wrong
    replied_at: datetime | None = None
    created_at: datetime = Field(index=True)


# --- Hand-offs (issue 13: "Get help from a person") ------------------------------------------


class Handoff(SQLModel, table=True):
    """One answer handed to people: open, then claimed by one helper, then resolved.

    One per answer (a second click or a retried delivery finds this one). Ids are plain columns
    (no foreign key) so retention can delete old answers without touching this table.
    """

    __tablename__ = "handoff"
    __table_args__ = (UniqueConstraint("answer_id", name="uq_handoff_answer"),)
    id: int | None = Field(default=None, primary_key=True)
    answer_id: int
    question_id: int
    owner_id: int | None = Field(default=None, index=True)
    channel_id: str = Field(max_length=64)  # the answer's message
    message_ts: str = Field(max_length=32)
    asked_by: str = Field(max_length=64)
    destination: str = Field(max_length=64)  # S... (each member by DM), C.../G... or U...
    status: str = Field(default="open", max_length=16, index=True)  # HandoffStatus
    claimed_by: str | None = Field(default=None, max_length=64)
    resolved_by: str | None = Field(default=None, max_length=64)
    correction_feedback_id: int | None = None
    created_at: datetime = Field(index=True)
    claimed_at: datetime | None = None
    resolved_at: datetime | None = None


class HandoffPost(SQLModel, table=True):
    """One copy of a hand-off's message to its helpers: a channel post or a helper's DM."""

    __tablename__ = "handoff_post"
    __table_args__ = (UniqueConstraint("handoff_id", "recipient", name="uq_handoff_recipient"),)
    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id", index=True)
    recipient: str = Field(max_length=64)  # the channel or user it was sent to
    channel_id: str | None = Field(default=None, max_length=64)  # where it landed, once posted
    message_ts: str | None = Field(default=None, max_length=32)
