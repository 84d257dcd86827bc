"""an index for walking the cases newest first when searching

A search for a frequent word (casework/search.py, `per_case`) walks the cases newest first and
tests each until the page is full, instead of sorting every case found. This index holds what
each case is tested on in the order of the walk, so that neither database reads the case rows,
with their data, of the thousands walked: the columns of the visibility rule and, on
PostgreSQL (where the title is tested with ILIKE), the title; SQLite tests its FTS5 table's ids.
Like 0014's, this is no model's index (the environment's include_object leaves `ix_search_`
names out of comparisons); the SQL is written out so this revision stays as it is whatever
casework/search.py becomes.

Revision ID: 0017
Revises: 0018
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0018"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEYS = ["updated_at", "id"]
VISIBILITY = ["workflow", "status", "funder_org_id", "vco_org_id", "complainant_org_id", "respondent_org_id"]


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.create_index("ix_search_cases_walk", "cases", KEYS, if_not_exists=True,
                        postgresql_include=[*VISIBILITY, "title"])
    else:
        op.create_index("ix_search_cases_walk", "cases", KEYS + VISIBILITY, if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_search_cases_walk", table_name="cases", if_exists=True)
