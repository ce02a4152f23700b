"""Every error of the Action API has CKAN's shape: ``{help, success: false, error: {__type, message, ...}}``."""

import io

import pytest

from catalog.errors import SearchQueryError, SearchUnavailable


def raising(error):
    def search(params):
        raise error

    return search


def assert_error(response, status, ckan_type):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"help", "success", "error"}
    assert body["success"] is False
    assert body["help"].endswith("/api/3/action/help_show?name=" + response.request.path.rsplit("/", 1)[-1])
    assert body["error"]["__type"] == ckan_type
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


def test_unknown_action(client):
    error = assert_error(client.get("/api/3/action/no_such_action"), 400, "Bad Request")
    assert error["message"] == "Bad request - Action name not known: no_such_action"


def test_unknown_action_on_the_unversioned_path(client):
    assert_error(client.post("/api/action/no_such_action", json={}), 400, "Bad Request")


@pytest.mark.parametrize("body", ["{bad json", "[1, 2]", "\"text\"", "\xff\xfe"])
def test_malformed_json(client, body):
    response = client.post("/api/3/action/package_show", data=body, content_type="application/json")
    error = assert_error(response, 400, "Bad Request")
    assert error["message"].startswith("Bad request - JSON Error: ")


def test_write_action_by_get(client):
    error = assert_error(client.get("/api/3/action/package_create?name=x"), 400, "Bad Request")
    assert "POST" in error["message"]


def test_missing_parameter_is_a_validation_error_naming_it(client):
    error = assert_error(client.get("/api/3/action/package_show"), 409, "Validation Error")
    assert error["id"] == ["Missing value"]


def test_bad_integer_names_the_field(client, world):
    error = assert_error(client.get("/api/3/action/package_search?rows=many"), 409, "Validation Error")
    assert error["rows"] == ["Invalid integer"]


def test_not_found(client, world):
    error = assert_error(client.get("/api/3/action/package_show?id=tidak-ada"), 404, "Not Found Error")
    assert "tidak-ada" in error["message"]
    assert_error(client.get("/api/3/action/resource_show?id=tidak-ada"), 404, "Not Found Error")
    assert_error(client.get("/api/3/action/organization_show?id=tidak-ada"), 404, "Not Found Error")
    assert_error(client.get("/api/3/action/group_show?id=tidak-ada"), 404, "Not Found Error")
    assert_error(client.get("/api/3/action/help_show?name=tidak_ada"), 404, "Not Found Error")


def test_not_authorized(client, world):
    assert_error(client.get("/api/3/action/package_show?id=rahasia"), 403, "Authorization Error")
    assert_error(client.post("/api/3/action/package_delete", json={"id": "kasus-dbd"}), 403, "Authorization Error")


def test_validation_error_lists_every_field(client, world):
    response = client.post("/api/3/action/package_create", headers={"Authorization": world.tokens["staf"]},
                           json={"name": "Bad Name!", "owner_org": "dinkes", "license_id": "no such licence!",
                                 "bogus_field": 1})
    error = assert_error(response, 409, "Validation Error")
    assert {"name", "title", "license_id"} <= set(error)
    assert any("bogus_field" in key or "bogus_field" in " ".join(msgs) for key, msgs in error.items()
               if isinstance(msgs, list))
    assert all(isinstance(msgs, list) for key, msgs in error.items() if key not in ("__type", "message"))


def test_name_taken(client, world):
    response = client.post("/api/3/action/package_create", headers={"Authorization": world.tokens["staf"]},
                           json={"name": "kasus-dbd", "title": "Lagi", "owner_org": "dinkes"})
    assert assert_error(response, 409, "Validation Error")["name"] == ["That URL is already in use."]


def test_unknown_organization_is_a_validation_error(client, world):
    response = client.post("/api/3/action/package_create", headers={"Authorization": world.tokens["root"]},
                           json={"name": "baru", "title": "Baru", "owner_org": "tidak-ada"})
    assert assert_error(response, 409, "Validation Error")["owner_org"] == ["Organization does not exist"]


def test_search_query_error(client, world):
    world.catalog.search_datasets = raising(SearchQueryError("Cannot parse fq: title:("))
    error = assert_error(client.get("/api/3/action/package_search?fq=title:("), 400, "Search Query Error")
    assert error["message"] == "Cannot parse fq: title:("


def test_search_unavailable(client, world):
    world.catalog.search_datasets = raising(SearchUnavailable("Search engine unreachable"))
    assert_error(client.get("/api/3/action/package_search"), 503, "Search Index Error")


def test_unexpected_exception_is_a_500_without_a_traceback(client, world):
    world.catalog.search_datasets = raising(RuntimeError("secret internals /etc/passwd"))
    error = assert_error(client.get("/api/3/action/package_search"), 500, "Internal Server Error")
    assert "secret" not in error["message"]


def test_body_too_large(app, client):
    app.config["API_MAX_BODY"] = 100
    response = client.post("/api/3/action/package_show", json={"id": "x" * 500})
    assert_error(response, 413, "Request Too Large")


def test_upload_too_large(app, client, world):
    app.config["UPLOAD_MAX_SIZE"] = 10
    app.extensions["catalog"].config["UPLOAD_MAX_SIZE"] = 10
    response = client.post("/api/3/action/resource_create", headers={"Authorization": world.tokens["staf"]},
                           data={"package_id": "kasus-dbd", "upload": (io.BytesIO(b"a" * 100000), "x.csv")})
    assert_error(response, 413, "Request Too Large")


def test_wrongly_typed_tags_are_a_validation_error(client, world):
    response = client.post("/api/3/action/package_create", headers={"Authorization": world.tokens["root"]},
                           json={"name": "baru", "title": "Baru", "owner_org": "dinkes", "tags": [{"name": [1]}]})
    assert "tags.0.name" in assert_error(response, 409, "Validation Error")
