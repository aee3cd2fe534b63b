"""verified answers: question variants, an owner, a review date, retirement

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:30:00.000000
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(question: str) -> str:
    """The same key storage/queries/verified.py computes (migrations never import app code)."""
    return hashlib.sha256(" ".join(question.lower().split()).encode()).hexdigest()


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("verified_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("review_asked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("retired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_verified_answer_owner_id"), ["owner_id"])
        batch_op.create_foreign_key(
            "fk_verified_answer_owner_id_owner", "owner", ["owner_id"], ["id"]
        )
    op.create_table(
        "verified_question_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("verified_answer_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["verified_answer_id"], ["verified_answer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("verified_answer_id", "key", name="uq_verified_variant_key"),
    )
    with op.batch_alter_table("verified_question_variant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verified_question_variant_verified_answer_id"), ["verified_answer_id"]
        )
    _backfill()


def _backfill() -> None:
    """Existing answers: their question is their first variant, approval their last check."""
    bind = op.get_bind()
    op.execute(sa.text("UPDATE verified_answer SET checked_at = created_at"))
    op.execute(
        sa.text(
            "UPDATE verified_answer SET owner_id = "
            "(SELECT theme.owner_id FROM theme WHERE theme.id = verified_answer.theme_id)"
        )
    )
    rows = bind.execute(sa.text("SELECT id, question FROM verified_answer")).all()
    copy = sa.text(
        "INSERT INTO verified_question_variant "
        "(verified_answer_id, question, key, source, added_by, created_at) "
        "SELECT id, question, :key, 'approved', approved_by, created_at "
        "FROM verified_answer WHERE id = :id"
    )
    for row in rows:
        bind.execute(copy, {"key": _key(row.question), "id": row.id})


def downgrade() -> None:
    """Revert this revision (variants beyond each answer's first question are lost)."""
    with op.batch_alter_table("verified_question_variant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verified_question_variant_verified_answer_id"))
    op.drop_table("verified_question_variant")
    with op.batch_alter_table("verified_answer", schema=None) as batch_op:
        batch_op.drop_constraint("fk_verified_answer_owner_id_owner", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_verified_answer_owner_id"))
        batch_op.drop_column("retired_at")
        batch_op.drop_column("updated_by")
        batch_op.drop_column("review_asked_at")
        batch_op.drop_column("checked_at")
        batch_op.drop_column("owner_id")
