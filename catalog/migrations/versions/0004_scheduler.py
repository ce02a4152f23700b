"""Scheduler state: each source's next run, a pending dispatch, and the failure streak already alerted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "harvest_schedules",
        sa.Column("source_id", sa.String(36), nullable=False),
        sa.Column("schedule", sa.String(100)),
        sa.Column("next_run", sa.DateTime),
        sa.Column("pending_since", sa.DateTime),
        sa.Column("last_dispatched", sa.DateTime),
        sa.Column("alerted_streak", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("source_id", name="pk_harvest_schedules"),
        sa.ForeignKeyConstraint(["source_id"], ["harvest_sources.id"],
                                name="fk_harvest_schedules_source_id_harvest_sources"),
    )


def downgrade():
    op.drop_table("harvest_schedules")
