"""hand-offs: an answer handed to people, each copy of the message to its helpers, owner.helpers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("owner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("helpers", _TEXT(length=64), nullable=True))
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", _TEXT(length=64), nullable=False),
        sa.Column("message_ts", _TEXT(length=32), nullable=False),
        sa.Column("asked_by", _TEXT(length=64), nullable=False),
        sa.Column("destination", _TEXT(length=64), nullable=False),
        sa.Column("status", _TEXT(length=16), nullable=False),
        sa.Column("claimed_by", _TEXT(length=64), nullable=True),
        sa.Column("resolved_by", _TEXT(length=64), nullable=True),
        sa.Column("correction_feedback_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN(), nullable=False),
        sa.Column("claimed_at", _WHEN(), nullable=True),
        sa.Column("resolved_at", _WHEN(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_id", name="uq_handoff_answer"),
    )
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_created_at"), ["created_at"], unique=False)
    op.create_table(
        "handoff_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("recipient", _TEXT(length=64), nullable=False),
        sa.Column("channel_id", _TEXT(length=64), nullable=True),
        sa.Column("message_ts", _TEXT(length=32), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handoff_id", "recipient", name="uq_handoff_recipient"),
    )
    with op.batch_alter_table("handoff_post", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handoff_post_handoff_id"), ["handoff_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("handoff_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_post_handoff_id"))
    op.drop_table("handoff_post")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_created_at"))
        batch_op.drop_index(batch_op.f("ix_handoff_status"))
        batch_op.drop_index(batch_op.f("ix_handoff_owner_id"))
    op.drop_table("handoff")
    with op.batch_alter_table("owner", schema=None) as batch_op:
        batch_op.drop_column("helpers")
