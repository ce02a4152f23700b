"""Fixtures: a catalog on a real SQLite file (and on PostgreSQL where reachable), the app, its client and the CLI."""

import os
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalog import config as settings
from catalog.service import Catalog
from tests.builders import make_organization
from tests.ci import missing

pytest_plugins = ["tests.apikit"]

PG_URL = os.environ.get("CATALOG_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CATALOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # any failure to connect is a reason to skip
        return f"PostgreSQL at {make_url(PG_URL).render_as_string()} unreachable: {error.__class__.__name__}"


@pytest.fixture(scope="session")
def postgres_server():
    """The admin URL of the test PostgreSQL; skips where it is absent, fails under CI."""
    reason = _postgres_reachable()
    if reason:
        missing(reason)
    return PG_URL


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"catalog_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A store URL on each supported database: a SQLite file, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def config(tmp_path, database_url):
    """Settings for an instance in a temporary folder."""
    return settings.load({"HOME": str(tmp_path / "instance"), "DATABASE_URL": database_url}, environ={})


@pytest.fixture
def catalog(config):
    """An initialised, empty catalog."""
    catalog = Catalog.open(config)
    catalog.init()
    yield catalog
    catalog.close()


@pytest.fixture
def org(catalog):
    """The Dinas Kesehatan organization in ``catalog``."""
    return catalog.create_organization(make_organization(), actor="test")


@pytest.fixture
def sqlite_config(tmp_path):
    """Settings for an instance on SQLite only."""
    return settings.load({"HOME": str(tmp_path / "instance")}, environ={})


@pytest.fixture
def app(sqlite_config):
    """The web app on an initialised SQLite instance."""
    from catalog.app import create_app

    app = create_app({**sqlite_config, "TESTING": True})
    app.extensions["catalog"].init()
    yield app
    app.extensions["catalog"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(sqlite_config):
    """Invokes the ``catalog`` command against a temporary instance."""
    from catalog.cli import main

    cli_runner = CliRunner(env={"CATALOG_HOME": sqlite_config["HOME"]})

    def invoke(*args, **kwargs):
        return cli_runner.invoke(main, list(args), catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 (port 0) to which a test adds routes; stopped afterwards."""
    from tests.http_server import LoopbackServer

    server = LoopbackServer()
    yield server
    server.stop()


@pytest.fixture
def redis_url():
    """The test Redis (``CATALOG_TEST_REDIS_URL``); skips where it does not answer, fails under CI."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError as error:
        missing(f"Redis at {REDIS_URL} unreachable: {error.__class__.__name__}")
    finally:
        connection.close()
    return REDIS_URL
