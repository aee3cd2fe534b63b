"""Every action, callback and view id the app uses, in one place."""

from __future__ import annotations

# Feedback controls on each answer.
FEEDBACK_BUTTONS = "lastmile_feedback"
CORRECT_IT = "lastmile_correct"
REPORT = "lastmile_report"
# Modals.
REASON_MODAL = "lastmile_reason_modal"
CORRECTION_MODAL = "lastmile_correction_modal"
# Message shortcut (callback_id, must match deploy/slack-manifest.yaml).
REPORT_SHORTCUT = "lastmile_report_answer"
# Slash commands (must match the manifest).
ASK_COMMAND = "/ask"
ADMIN_COMMAND = "/lastmile"
# Digest buttons.
APPROVE_CORRECTION = "lastmile_digest_approve"
MARK_FIXED = "lastmile_digest_fixed"
ASSIGN_THEME = "lastmile_digest_assign"
SNOOZE_THEME = "lastmile_digest_snooze"
ASSIGN_MODAL = "lastmile_assign_modal"
