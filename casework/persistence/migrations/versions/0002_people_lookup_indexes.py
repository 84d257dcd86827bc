"""index people by organisation and role holders by role

The people of an organisation (for its staff lists, and for whom a case's emails go to) and
the holders of a role (mediators, for one) were found by scanning every person and every
role held.

Revision ID: 0002
Revises: 0001
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index(op.f("ix_people_organisation_id"), "people", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_person_roles_role"), "person_roles", ["role"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_person_roles_role"), table_name="person_roles")
    op.drop_index(op.f("ix_people_organisation_id"), table_name="people")
