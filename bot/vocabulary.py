"""The product's vocabulary, one module for every layer: kinds, reasons, statuses, providers, ids.

Storage stores these words, the core reasons with them, the handlers render them and match
Slack's payloads against them, the demo clicks them. Nothing here imports anything of ours, so
`storage/` may import this module (and only this one) from `bot/`.
"""

from __future__ import annotations

from enum import StrEnum


class FeedbackKind(StrEnum):
    """What one piece of feedback is."""

    UP = "up"
    DOWN = "down"
    CORRECTION = "correction"
    REPORT = "report"


FEEDBACK_KINDS = tuple(kind.value for kind in FeedbackKind)
FAILURE_KINDS = (FeedbackKind.DOWN.value, FeedbackKind.REPORT.value, FeedbackKind.CORRECTION.value)
"""Feedback that says an answer failed (and whose authors hear back when it is fixed)."""

FEEDBACK_SOURCES = ("button", "modal", "reaction", "shortcut", "cli", "handoff", "digest")
OWNER_ANSWER_SOURCE = "digest"
"""An owner's answer written from the digest's "Couldn't answer well" (stored as a correction so
it is approved like one); it is not an employee's flag, so no count of failures includes it."""


class SilentReason(StrEnum):
    """Why an answer nobody flagged still counts as one the bot couldn't answer well."""

    ERROR = "error"  # the AI service failed or timed out
    DONT_KNOW = "dont_know"  # the answer says it doesn't know
    NO_SOURCE = "no_source"  # nothing in the knowledge base supported it
    WEAK = "weak_support"  # its sources barely matched the question
    DISAGREE = "sources_disagree"  # its sources state different values
    ASKED_AGAIN = "asked_again"  # the same person asked it again in other words right after


SILENT_REASON_LABELS: dict[str, tuple[str, str]] = {
    SilentReason.ERROR: ("provider error", "provider errors"),
    SilentReason.DONT_KNOW: ('"don\'t know"', '"don\'t know"'),
    SilentReason.NO_SOURCE: ("without a source", "without a source"),
    SilentReason.WEAK: ("weak support", "weak support"),
    SilentReason.DISAGREE: ("sources disagree", "sources disagree"),
    SilentReason.ASKED_AGAIN: ("asked again", "asked again"),
}
"""(one, many) as the digest names each reason: `3 "don't know", 2 asked again`."""


class ReportReason(StrEnum):
    """Why a person says an answer is wrong, as the reason modal offers it."""

    WRONG_FACTS = "wrong_facts"
    OUTDATED = "outdated"
    INCOMPLETE = "incomplete"
    OFF_TOPIC = "off_topic"
    UNSAFE = "unsafe"
    OTHER = "other"


REPORT_REASONS = tuple(reason.value for reason in ReportReason)
REASON_LABELS: dict[str, str] = {
    ReportReason.WRONG_FACTS: "Wrong facts",
    ReportReason.OUTDATED: "Outdated",
    ReportReason.INCOMPLETE: "Incomplete",
    ReportReason.OFF_TOPIC: "Did not answer the question",
    ReportReason.UNSAFE: "Unsafe or inappropriate",
    ReportReason.OTHER: "Other",
}


class HandoffStatus(StrEnum):
    """Where a hand-off to people stands: open, taken by one helper, resolved."""

    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class ThemeStatus(StrEnum):
    """Where an owner stands on a failure theme."""

    OPEN = "open"
    FIXED = "fixed"
    WONT_FIX = "wont_fix"
    SNOOZED = "snoozed"


THEME_STATUSES = tuple(status.value for status in ThemeStatus)


class FixOutcome(StrEnum):
    """What replaying one flagged question showed when its theme was about to be marked fixed."""

    PASSES = "passes"  # scored against its correction, and now agrees with it
    CHANGED = "changed"  # no correction to score against, but the flagged answer changed
    FAILS = "fails"  # still disagrees with its correction, still the flagged answer, or erred


class FixReply(StrEnum):
    """A reporter's answer to "Is this right now?"."""

    RIGHT = "right"
    WRONG = "wrong"


class VariantSource(StrEnum):
    """Where one wording of a verified answer's question came from."""

    APPROVED = "approved"  # the question the approved correction was written on
    THEME = "theme"  # another flagged question of its theme, ticked in the approve modal
    CONFIRMED = "confirmed"  # a reporter confirmed the verified answer answers their question
    OWNER = "owner"  # added by an owner


class Provider(StrEnum):
    """Who writes the answers (LASTMILE_PROVIDER)."""

    ANTHROPIC = "anthropic"
    OPENAI = "openai"
    HTTP = "http"  # the company's own service (docs/http-provider.md)
    OFFLINE = "offline"


PROVIDERS = tuple(provider.value for provider in Provider)


class ActionId(StrEnum):
    """Every action, callback, view and command id the Slack app uses (the manifest matches)."""

    # Feedback controls on each answer.
    FEEDBACK_BUTTONS = "lastmile_feedback"
    CORRECT_IT = "lastmile_correct"
    REPORT = "lastmile_report"
    # Modals.
    REASON_MODAL = "lastmile_reason_modal"
    CORRECTION_MODAL = "lastmile_correction_modal"
    # Message shortcut (callback_id in deploy/slack-manifest.yaml).
    REPORT_SHORTCUT = "lastmile_report_answer"
    # Slash commands (deploy/slack-manifest.yaml).
    ASK_COMMAND = "/ask"
    ADMIN_COMMAND = "/lastmile"
    # Digest buttons.
    APPROVE_CORRECTION = "lastmile_digest_approve"
    MARK_FIXED = "lastmile_digest_fixed"
    ASSIGN_THEME = "lastmile_digest_assign"
    SNOOZE_THEME = "lastmile_digest_snooze"
    ASSIGN_MODAL = "lastmile_assign_modal"
    # Mark fixed, checked first: the owner confirms; each reporter answers "Is this right now?".
    CONFIRM_FIXED = "lastmile_fix_confirm"
    FIX_RIGHT = "lastmile_fix_right"
    FIX_WRONG = "lastmile_fix_wrong"
    # Verified answers: the approve modal, the owner's list, the "still true?" review.
    APPROVE_MODAL = "lastmile_approve_modal"
    VERIFIED_KEEP = "lastmile_verified_keep"
    VERIFIED_EDIT = "lastmile_verified_edit"
    VERIFIED_RETIRE = "lastmile_verified_retire"
    VERIFIED_EDIT_MODAL = "lastmile_verified_edit_modal"
    # Owner actions on a digest theme (issue 11): won't fix (modal, optional reason), undo.
    WONT_FIX = "lastmile_digest_wont_fix"
    WONT_FIX_MODAL = "lastmile_wont_fix_modal"
    UNDO_APPROVE = "lastmile_digest_undo_approve"
    UNDO_FIXED = "lastmile_digest_undo_fixed"
    UNDO_WONT_FIX = "lastmile_digest_undo_wont_fix"
    # "Couldn't answer well": the owner writes the answer, approved like a correction.
    PROPOSE_ANSWER = "lastmile_digest_propose"
    PROPOSE_MODAL = "lastmile_propose_modal"
    # Urgent pings: open the reported answer's thread; hide the answer from everyone else.
    URGENT_OPEN = "lastmile_urgent_open"
    URGENT_HIDE = "lastmile_urgent_hide"
    # Owner-only control on an answer (icon button shown to the owner's people): hide it.
    OWNER_HIDE = "lastmile_owner_hide"
    # "Get help from a person": the asker's button, then the helpers' buttons on their copy.
    HANDOFF = "lastmile_handoff"
    HANDOFF_CLAIM = "lastmile_handoff_claim"
    HANDOFF_RESOLVE = "lastmile_handoff_resolve"
    HANDOFF_PROPOSE = "lastmile_handoff_propose"


class AnswerBlock(StrEnum):
    """Block id prefixes on an answer message; the answer's id follows (`lastmile_vote_42`)."""

    META = "lastmile_meta_"
    VOTE = "lastmile_vote_"
    FIX = "lastmile_fix_"

    def of(self, answer_id: int) -> str:
        """The block id for one answer."""
        return f"{self.value}{answer_id}"


class ModalBlock(StrEnum):
    """Input block (and element) ids inside the feedback modals."""

    REASON = "reason"
    CORRECTION = "correction"
    LINK = "link"
    ANSWER = "answer"  # the approve and edit modals' answer text
    VARIANTS = "variants"  # the approve modal's question checkboxes
