"""The store's tables (SQLAlchemy Core), as the newest migration leaves them.

A test checks these against a database built by running every migration, so the two never drift.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(36)

organizations = Table(
    "organizations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("modified", DateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("fullname", Text),
    Column("email", String(254)),
    Column("password_hash", Text),
    Column("sysadmin", Boolean, nullable=False, default=False),
    Column("state", String(20), nullable=False),
    Column("created", DateTime, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("organization_id", ID, ForeignKey("organizations.id"), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("created", DateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200)),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("created", DateTime, nullable=False),
    Column("expires", DateTime),
    Column("last_used", DateTime),
    Column("revoked", DateTime),
)

harvest_sources = Table(
    "harvest_sources",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("type", String(50), nullable=False),
    Column("url", Text, nullable=False),
    Column("organization_id", ID, ForeignKey("organizations.id"), nullable=False),
    Column("schedule", String(100)),
    Column("state", String(20), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("modified", DateTime, nullable=False),
    Column("lease_owner", String(100)),
    Column("lease_expires", DateTime),
)

harvest_jobs = Table(
    "harvest_jobs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("source_id", ID, ForeignKey("harvest_sources.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("dry_run", Boolean, nullable=False, default=False),
    Column("created", DateTime, nullable=False),
    Column("started", DateTime),
    Column("finished", DateTime),
    Column("counts", JSON, nullable=False),
    Column("message", Text),
)



def _job_messages(name: str) -> Table:
    """A table of per-record messages of harvest jobs: which record, which field, what."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("job_id", ID, ForeignKey("harvest_jobs.id"), nullable=False, index=True),
        Column("remote_id", Text),
        Column("path", Text),
        Column("message", Text, nullable=False),
    )


harvest_errors = _job_messages("harvest_errors")
harvest_warnings = _job_messages("harvest_warnings")

datasets = Table(
    "datasets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("organization_id", ID, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("state", String(20), nullable=False),
    Column("private", Boolean, nullable=False, default=False),
    Column("revision", Integer, nullable=False),
    Column("data", JSON, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("modified", DateTime, nullable=False, index=True),
    Column("updated", String(40), index=True),  # the publisher's modified, else the record time: "recently updated"
    Column("source_id", ID, ForeignKey("harvest_sources.id")),
    Column("remote_id", String(500)),
    Column("content_hash", String(64)),
    UniqueConstraint("source_id", "remote_id"),
)

resources = Table(
    "resources",
    metadata,
    Column("id", ID, primary_key=True),
    Column("dataset_id", ID, ForeignKey("datasets.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("url", Text, nullable=False),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_type", String(20), nullable=False),
    Column("entity_id", ID, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created", DateTime, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("entity_type", "entity_id", "revision"),
)

search_outbox = Table(
    "search_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", ID, nullable=False),
    Column("created", DateTime, nullable=False),
)

harvest_schedules = Table(
    "harvest_schedules",
    metadata,
    Column("source_id", ID, ForeignKey("harvest_sources.id"), primary_key=True),
    Column("schedule", String(100)),
    Column("next_run", DateTime),
    Column("pending_since", DateTime),
    Column("last_dispatched", DateTime),
    Column("alerted_streak", Integer, nullable=False, server_default="0"),
)

Index("ix_revisions_created", revisions.c.created)

downloads = Table(
    "downloads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resource_id", ID, nullable=False, index=True),
    Column("dataset_id", ID, nullable=False),
    Column("created", DateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("token_id", ID, ForeignKey("api_tokens.id"), nullable=False),
    Column("created", DateTime, nullable=False),
    Column("expires", DateTime, nullable=False, index=True),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("dataset_id", ID, primary_key=True),
    Column("name", String(100)),
    Column("problems", JSON, nullable=False),
    Column("found", DateTime, nullable=False),
)
