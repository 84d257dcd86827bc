"""accounts people manage themselves

Invitation and password-reset links (only their SHA-256 kept), authenticator apps and recovery
codes (hashed), the administrators' switch for VCO staff's second factor, security events, and
where each sign-in session started. Session tokens are now stored as their SHA-256 digest, so
sessions started before this revision no longer match and everyone signs in again.

Revision ID: 0004
Revises: 0003
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_account_tokens_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    op.create_index(op.f("ix_account_tokens_person_id"), "account_tokens", ["person_id"], unique=False)
    op.create_table(
        "second_factors",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("set_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_second_factors_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_second_factors")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_recovery_codes_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_person_id"), "recovery_codes", ["person_id"], unique=False)
    op.create_table(
        "security_settings",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Boolean(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["people.id"],
                                name=op.f("fk_security_settings_changed_by_id_people"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_security_settings")),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("account", sa.String(length=254), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_security_events_person_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_security_events_actor_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    op.create_index(op.f("ix_security_events_at"), "security_events", ["at"], unique=False)
    op.create_index(op.f("ix_security_events_kind"), "security_events", ["kind"], unique=False)
    op.create_index(op.f("ix_security_events_person_id"), "security_events", ["person_id"], unique=False)
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("client_address", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("user_agent", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("user_agent")
        batch.drop_column("client_address")
    for index, table in (("ix_security_events_person_id", "security_events"), ("ix_security_events_kind", "security_events"),
                         ("ix_security_events_at", "security_events")):
        op.drop_index(op.f(index), table_name=table)
    op.drop_table("security_events")
    op.drop_table("security_settings")
    op.drop_index(op.f("ix_recovery_codes_person_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    op.drop_index(op.f("ix_account_tokens_person_id"), table_name="account_tokens")
    op.drop_table("account_tokens")
