"""retention: index processed_event.received_at, drop the payloads of finished events

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_event_received_at"), ["received_at"], unique=False
        )
    # Events finished before this release kept their raw payload (DM text); from now on
    # finishing an event drops it, so drop the old ones too. Unfinished events keep theirs.
    op.execute(
        sa.text(
            "UPDATE processed_event SET payload = '{}' "
            "WHERE status NOT IN ('received', 'processing')"
        )
    )


def downgrade() -> None:
    """Revert this revision (dropped payloads stay dropped)."""
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_event_received_at"))
