"""The publisher's update date of each dataset as a sortable column (``updated``), filled from the records.

"Recently updated" orders by it; reading it out of the JSON in SQL fails on a record the database
cannot decode, so the store writes it beside the record instead.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import json

import sqlalchemy as sa
from alembic import op

from catalog.store.common import updated_key

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(sa.Column("updated", sa.String(40)))
        batch.create_index("ix_datasets_updated", ["updated"])
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, data FROM datasets")).all()
    for dataset_id, data in rows:
        try:
            record = json.loads(data) if isinstance(data, (str, bytes)) else data
        except ValueError:
            continue
        key = updated_key(record) if isinstance(record, dict) else None
        if key:
            conn.execute(sa.text("UPDATE datasets SET updated = :key WHERE id = :id"), {"key": key, "id": dataset_id})


def downgrade():
    with op.batch_alter_table("datasets") as batch:
        batch.drop_index("ix_datasets_updated")
        batch.drop_column("updated")
