"""Initial tables: organizations, accounts, harvest sources and jobs, datasets, resources, revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(36)


def _stamps(*names):
    return [sa.Column(name, sa.DateTime, nullable=False) for name in names]


def upgrade():
    op.create_table(
        "organizations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        *_stamps("created", "modified"),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("name", name="uq_organizations_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", ID),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("fullname", sa.Text),
        sa.Column("email", sa.String(254)),
        sa.Column("password_hash", sa.Text),
        sa.Column("sysadmin", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        *_stamps("created"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "members",
        sa.Column("organization_id", ID),
        sa.Column("user_id", ID),
        sa.Column("role", sa.String(20), nullable=False),
        *_stamps("created"),
        sa.PrimaryKeyConstraint("organization_id", "user_id", name="pk_members"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_members_organization_id_organizations"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_members_user_id_users"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", ID),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("token_hash", sa.String(128), nullable=False),
        *_stamps("created"),
        sa.Column("expires", sa.DateTime),
        sa.Column("last_used", sa.DateTime),
        sa.Column("revoked", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "harvest_sources",
        sa.Column("id", ID),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("schedule", sa.String(100)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        *_stamps("created", "modified"),
        sa.Column("lease_owner", sa.String(100)),
        sa.Column("lease_expires", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_harvest_sources"),
        sa.UniqueConstraint("name", name="uq_harvest_sources_name"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_harvest_sources_organization_id_organizations"
        ),
    )
    op.create_table(
        "harvest_jobs",
        sa.Column("id", ID),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        *_stamps("created"),
        sa.Column("started", sa.DateTime),
        sa.Column("finished", sa.DateTime),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("message", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_harvest_jobs"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["harvest_sources.id"], name="fk_harvest_jobs_source_id_harvest_sources"
        ),
    )
    op.create_index("ix_harvest_jobs_source_id", "harvest_jobs", ["source_id"])
    op.create_table(
        "harvest_errors",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("job_id", ID, nullable=False),
        sa.Column("remote_id", sa.Text),
        sa.Column("path", sa.Text),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_harvest_errors"),
        sa.ForeignKeyConstraint(["job_id"], ["harvest_jobs.id"], name="fk_harvest_errors_job_id_harvest_jobs"),
    )
    op.create_index("ix_harvest_errors_job_id", "harvest_errors", ["job_id"])
    op.create_table(
        "datasets",
        sa.Column("id", ID),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        *_stamps("created", "modified"),
        sa.Column("source_id", ID),
        sa.Column("remote_id", sa.String(500)),
        sa.Column("content_hash", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_datasets"),
        sa.UniqueConstraint("name", name="uq_datasets_name"),
        sa.UniqueConstraint("source_id", "remote_id", name="uq_datasets_source_id_remote_id"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_datasets_organization_id_organizations"
        ),
        sa.ForeignKeyConstraint(["source_id"], ["harvest_sources.id"], name="fk_datasets_source_id_harvest_sources"),
    )
    op.create_index("ix_datasets_organization_id", "datasets", ["organization_id"])
    op.create_index("ix_datasets_modified", "datasets", ["modified"])
    op.create_table(
        "resources",
        sa.Column("id", ID),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_resources"),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], name="fk_resources_dataset_id_datasets"),
    )
    op.create_index("ix_resources_dataset_id", "resources", ["dataset_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("entity_type", sa.String(20), nullable=False),
        sa.Column("entity_id", ID, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        *_stamps("created"),
        sa.Column("data", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
        sa.UniqueConstraint("entity_type", "entity_id", "revision", name="uq_revisions_entity_type_entity_id_revision"),
    )
    op.create_index("ix_revisions_created", "revisions", ["created"])


def downgrade():
    for table in (
        "revisions",
        "resources",
        "datasets",
        "harvest_errors",
        "harvest_jobs",
        "harvest_sources",
        "api_tokens",
        "members",
        "users",
        "organizations",
    ):
        op.drop_table(table)
