"""compliance report reads: audit entries by trigger and time

The compliance report finds the few entries of one kind in a time span (remedies agreed at
closed disputes, notices sent later than issued) without reading the whole trail.

Revision ID: 0012
Revises: 0009
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_audit_entries_trigger_at", "audit_entries", ["trigger", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entries_trigger_at", table_name="audit_entries")
