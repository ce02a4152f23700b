"""Downloads: one row per download of a resource through the catalog's counted download route.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "downloads",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("resource_id", sa.String(36), nullable=False),
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_downloads"),
    )
    op.create_index("ix_downloads_resource_id", "downloads", ["resource_id"])


def downgrade():
    op.drop_index("ix_downloads_resource_id", table_name="downloads")
    op.drop_table("downloads")
