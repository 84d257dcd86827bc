"""case bundles

One row per bundle built from a case's papers (issue #14): its status and progress, the
fingerprint of what went in, the SHA-256 of the PDF, and where its files are kept.

Revision ID: 0006
Revises: 0005
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("pdf_path", sa.String(length=200), nullable=True),
        sa.Column("zip_path", sa.String(length=200), nullable=True),
        sa.Column("zip_sha256", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_bundles_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["people.id"], name=op.f("fk_bundles_requested_by_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundles")),
        sa.UniqueConstraint("case_id", "fingerprint", name=op.f("uq_bundles_case_id")),
    )
    op.create_index(op.f("ix_bundles_case_id"), "bundles", ["case_id"], unique=False)
    op.create_index("ix_bundles_status_requested_at", "bundles", ["status", "requested_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bundles_status_requested_at", table_name="bundles")
    op.drop_index(op.f("ix_bundles_case_id"), table_name="bundles")
    op.drop_table("bundles")
