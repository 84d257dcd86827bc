"""compliance report settings

Targets for the compliance report's rated metrics (per cent) and the public-figures switch,
each a row an administrator changes.

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "report_settings",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["people.id"], name=op.f("fk_report_settings_changed_by_id_people")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_report_settings")),
    )


def downgrade() -> None:
    op.drop_table("report_settings")
