"""Quarantine: datasets whose stored record no reader can use, with why, until a write replaces them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quarantine",
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100)),
        sa.Column("problems", sa.JSON, nullable=False),
        sa.Column("found", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_quarantine"),
    )


def downgrade():
    op.drop_table("quarantine")
