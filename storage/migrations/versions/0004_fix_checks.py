"""fix checks: the replay shown before a theme is marked fixed, and the reporters told

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "fix_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("checked_by", _TEXT(length=64), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("created_at", _WHEN(), nullable=False),
        sa.Column("confirmed_at", _WHEN(), nullable=True),
        sa.Column("confirmed_by", _TEXT(length=64), nullable=True),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fix_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fix_check_theme_id"), ["theme_id"], unique=False)
    op.create_table(
        "fix_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fix_check_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", _TEXT(length=64), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("outcome", _TEXT(length=16), nullable=False),
        sa.Column("reply", _TEXT(length=16), nullable=True),
        sa.Column("replied_at", _WHEN(), nullable=True),
        sa.Column("created_at", _WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["fix_check_id"], ["fix_check.id"]),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fix_check_id", "user_id", name="uq_fix_notice_user"),
    )
    with op.batch_alter_table("fix_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fix_notice_theme_id"), ["theme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fix_notice_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("fix_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fix_notice_created_at"))
        batch_op.drop_index(batch_op.f("ix_fix_notice_theme_id"))
    op.drop_table("fix_notice")
    with op.batch_alter_table("fix_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fix_check_theme_id"))
    op.drop_table("fix_check")
