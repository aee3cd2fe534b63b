"""digest claim token: fence each DigestRun claim, and keep the error of a refused post

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Apply this revision; claims made before it have no token (they are taken over as usual)."""
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("error", _TEXT(length=255), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.drop_column("error")
        batch_op.drop_column("claim_token")
