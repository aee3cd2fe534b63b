"""theme label source: who wrote a theme's label (key terms, a representative question, a model)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LABEL_TERMS = 3


def upgrade() -> None:
    """Apply this revision; a stored label other than the key-term one was written by a model."""
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "label_source",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="terms",
            )
        )
    theme = sa.table(
        "theme",
        sa.column("id", sa.Integer),
        sa.column("label", sa.String),
        sa.column("key_terms", sa.JSON),
        sa.column("label_source", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(theme.c.id, theme.c.label, theme.c.key_terms)).all()
    written = [
        row.id for row in rows if row.key_terms and row.label != _key_term_label(row.key_terms)
    ]
    if written:
        connection.execute(
            theme.update().where(theme.c.id.in_(written)).values(label_source="model")
        )


def _key_term_label(key_terms: list[str]) -> str:
    """As bot.digest.themes.matching_label (not imported: migrations stand alone)."""
    return " · ".join(key_terms[:LABEL_TERMS])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("label_source")
