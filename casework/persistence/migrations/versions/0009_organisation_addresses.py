"""organisation addresses and job titles for complete letters

Letters give the recipient's name and postal address, and the signatory's name, role and how
to contact them (processes.md, Revisions 2026-12-07): organisations keep a postal address (two
address lines, town, postcode), whom letters are addressed to and a telephone number; people
keep a job title. All optional, so existing rows need nothing.

Revision ID: 0009
Revises: 0008
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ORGANISATION_COLUMNS = (("address_line_1", 100), ("address_line_2", 100), ("town", 60), ("postcode", 10),
                        ("contact_name", 200), ("phone", 30))


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for name, length in ORGANISATION_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("job_title", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("job_title")
    with op.batch_alter_table("organisations") as batch:
        for name, _ in reversed(ORGANISATION_COLUMNS):
            batch.drop_column(name)
