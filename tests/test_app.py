"""The web app factory and the health endpoint."""

from catalog.app import create_app


def test_healthz_reports_a_migrated_store(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["datasets"] == 0 and body["index_backlog"] == 0


def test_healthz_says_when_the_database_is_not_migrated(sqlite_config):
    app = create_app({**sqlite_config, "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "catalog init" in response.get_json()["database"]
    app.extensions["catalog"].close()


def test_secret_key_is_generated_once_and_kept(sqlite_config):
    first = create_app(sqlite_config)
    second = create_app(sqlite_config)
    assert first.secret_key and first.secret_key == second.secret_key
    for app in (first, second):
        app.extensions["catalog"].close()
