"""Harvest warnings: what a job could read but not map (unknown vocabulary, a source standard's own rules).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "harvest_warnings",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("remote_id", sa.Text),
        sa.Column("path", sa.Text),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_harvest_warnings"),
        sa.ForeignKeyConstraint(["job_id"], ["harvest_jobs.id"], name="fk_harvest_warnings_job_id_harvest_jobs"),
    )
    op.create_index("ix_harvest_warnings_job_id", "harvest_warnings", ["job_id"])


def downgrade():
    op.drop_index("ix_harvest_warnings_job_id", table_name="harvest_warnings")
    op.drop_table("harvest_warnings")
