"""answer trace: the OpenTelemetry trace and span an answer was exported as

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trace_id", _TEXT(length=32), nullable=True))
        batch_op.add_column(sa.Column("span_id", _TEXT(length=16), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("span_id")
        batch_op.drop_column("trace_id")
