"""Search outbox: every dataset write records the dataset to re-index in the same transaction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_outbox"),
    )
    # Everything already stored is indexed once after the upgrade.
    op.execute(
        "INSERT INTO search_outbox (dataset_id, created) SELECT id, CURRENT_TIMESTAMP FROM datasets"
    )


def downgrade():
    op.drop_table("search_outbox")
