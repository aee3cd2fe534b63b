"""owner actions: user-group members, won't-fix reasons, digest message refs, coalesced pings

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("owner", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("member_groups", sa.JSON(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wont_fix_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("status_by", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("status_at", _WHEN(), nullable=True))
    with op.batch_alter_table("fix_check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_channel", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("digest_ts", _TEXT(length=32), nullable=True))
    with op.batch_alter_table("urgent_ping", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", _WHEN(), nullable=True))
        batch_op.add_column(sa.Column("channel_id", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("message_ts", _TEXT(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_urgent_ping_sent_at"), ["sent_at"], unique=False)
    # Pings recorded before this release were all sent when they were recorded.
    op.execute(sa.text("UPDATE urgent_ping SET sent_at = created_at"))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("urgent_ping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgent_ping_sent_at"))
        batch_op.drop_column("message_ts")
        batch_op.drop_column("channel_id")
        batch_op.drop_column("sent_at")
    with op.batch_alter_table("fix_check", schema=None) as batch_op:
        batch_op.drop_column("digest_ts")
        batch_op.drop_column("digest_channel")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_by")
        batch_op.drop_column("wont_fix_reason")
    with op.batch_alter_table("owner", schema=None) as batch_op:
        batch_op.drop_column("member_groups")
