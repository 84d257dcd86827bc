"""compliance report projection: deadline closing dates and the report's events

Each deadline row's London closing date (`deadlines.closed_on`: met or late is that against
the due date, counted by the database) and an index on when rows were breached (M5);
`report_events`, one narrow row for each audit entry the compliance report reads, and
`report_cases`, when each case started and ended, kept with each entry from now on. Both are filled here from
what is recorded: the closing dates from `closed_at`, the events from the whole audit trail
(`casework.report_events.rebuild`, the same statement `casework report rebuild` runs).

Revision ID: 0013
Revises: 0012
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from casework.report_events import rebuild, refill_closing_dates

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("deadlines", sa.Column("closed_on", sa.Date(), nullable=True))
    op.create_index("ix_deadlines_breached_at", "deadlines", ["breached_at"], unique=False)
    op.create_table(
        "report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("trigger", sa.String(length=60), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.Column("facts", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_report_events_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_events")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_report_events_case_id")),
    )
    op.create_table(
        "report_cases",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_day", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_day", sa.Date(), nullable=True),
        sa.Column("ended_state", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_report_cases_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_report_cases")),
    )
    connection = op.get_bind()
    refill_closing_dates(connection)
    rebuild(connection)
    op.create_index("ix_deadlines_report_due", "deadlines",
                    ["due_on", "kind", "case_id", "created_at", "closed_at", "closed_on", "breached_at"], unique=False)
    # The planner's statistics for what is new.
    op.execute("ANALYZE report_events")
    op.execute("ANALYZE report_cases")
    op.execute("ANALYZE deadlines")
    # Made after the rows are in: one sort, not an index kept up through every insert.
    op.create_index("ix_report_events_trigger_day", "report_events", ["trigger", "day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_events_trigger_day", table_name="report_events")
    op.drop_index("ix_deadlines_report_due", table_name="deadlines")
    op.drop_index("ix_deadlines_breached_at", table_name="deadlines")
    op.drop_table("report_cases")
    op.drop_table("report_events")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("closed_on")
