"""theme centroid: the mean embedding a theme is continued by across weeks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centroid", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("centroid_model", _TEXT(length=64), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("centroid_model")
        batch_op.drop_column("centroid")
