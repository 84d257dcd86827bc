"""count failed sign-ins for throttling

Failed sign-ins were counted on the person's row and locked the account for 15 minutes, so
anyone could lock anyone out and nothing limited one client address. Each failure is now a
row (the account the attempt named, the client's address, when), counted in a sliding window
by casework.throttle; the people columns it used are left in place, unused.

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sa.String(length=254), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index("ix_sign_in_failures_account", "sign_in_failures", ["account_key", "failed_at"], unique=False)
    op.create_index("ix_sign_in_failures_address", "sign_in_failures", ["client_address", "failed_at"], unique=False)
    op.create_index(op.f("ix_sign_in_failures_failed_at"), "sign_in_failures", ["failed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_failures_failed_at"), table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_address", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_account", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
