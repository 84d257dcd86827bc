"""indexes for finding the cases a search found

The case list's search (casework/search.py) finds the ids of the cases matching each word
first, through the search index, and only then tests who may see them, the filters and the
order. Finding an organisation's cases goes through each party column, so the complainant's
and the respondent's get an index each (the funder's and the organisation's had one); and the
columns the list reads of every case found (those of the visibility rule, the order and the
line) are indexed led by the id, so that neither database reads whole case rows, with their
data, for each of thousands of cases found. Like 0008's, these are no model's indexes (the
environment's include_object leaves `ix_search_` names out of comparisons); the SQL is
written out here so this revision stays as it is whatever casework/search.py becomes.

Revision ID: 0014
Revises: 0013
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = {
    "ix_search_cases_complainant": ["complainant_org_id"],
    "ix_search_cases_respondent": ["respondent_org_id"],
    "ix_search_cases_listed": ["id", "updated_at", "workflow", "status", "funder_org_id", "vco_org_id",
                               "complainant_org_id", "respondent_org_id", "title"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns, if_not_exists=True)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="cases", if_exists=True)
