"""how each decision-maker decides: as a senior officer or an elected member

The compliance report can be filtered by the decision-maker's role (reporting.md section 6,
"decision-maker role"). Administrators record it for each decision-maker, and each decision
records it as it was when the decision was made. Optional, so existing rows need nothing:
decisions made before this revision are counted under no role.

Revision ID: 0018
Revises: 0016
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("decides_as", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("decides_as")
