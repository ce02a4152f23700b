"""Every action is documented: a docstring with its parameters, in the OpenAPI spec, on /api/docs and in docs/api.md."""

from pathlib import Path

import pytest

from catalog.api.registry import ACTIONS
from catalog.schemas import load

DOCS = Path(__file__).resolve().parent.parent / "docs"
ISSUE_ACTIONS = {
    "package_search", "package_show", "package_list", "current_package_list_with_resources", "organization_list",
    "organization_show", "group_list", "group_show", "tag_list", "resource_show", "license_list", "status_show",
    "help_show", "package_autocomplete", "format_autocomplete", "organization_autocomplete", "package_create",
    "package_update", "package_patch", "package_delete", "resource_create", "resource_update", "resource_patch",
    "resource_delete", "organization_create", "organization_update", "organization_member_create",
}


def test_every_promised_action_is_registered():
    assert ISSUE_ACTIONS <= set(ACTIONS)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_is_documented_everywhere(client, name):
    found = ACTIONS[name]
    assert found.summary, f"{name} has no docstring"
    for param in found.params:
        assert param.description and param.type in {"string", "integer", "boolean", "list", "dict", "file"}
    spec = client.get("/api/openapi.json").json
    item = spec["paths"][f"/api/3/action/{name}"]
    assert ("get" in item) == found.read_only
    body = item["post"]["requestBody"]["content"]
    documented = set(body.get("multipart/form-data", body["application/json"])["schema"]["properties"])
    assert documented == {p.name for p in found.params}
    if "get" in item:
        assert {p["name"] for p in item["get"]["parameters"]} == {p.name for p in found.params}
    for status in ("200", "400", "403", "404", "409"):
        assert status in item["post"]["responses"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert f'id="{name}"' in page
    assert f"`{name}`" in (DOCS / "api.md").read_text("utf-8")


def test_spec_components_include_the_metadata_schemas(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    assert set(load("dataset")["properties"]) <= set(schemas["DatasetRecord"]["properties"])
    assert "Def_slug" in schemas and "ResourceRecord" in schemas


def test_docs_page_has_no_external_assets_or_script(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "<script" not in page and "http://" not in page.replace("http://localhost", "")
    assert "https://" not in page
    css = client.get("/api/docs.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_every_param_in_docs_api_md():
    text = (DOCS / "api.md").read_text("utf-8")
    for found in ACTIONS.values():
        section = text.split(f"### `{found.name}`", 1)[1].split("\n### ", 1)[0]
        for param in found.params:
            assert f"`{param.name}`" in section, (found.name, param.name)


def test_docs_api_md_reference_is_current():
    from catalog.api.docs import BEGIN, END, markdown_reference

    text = (DOCS / "api.md").read_text("utf-8")
    assert text.split(BEGIN, 1)[1].split(END, 1)[0].strip() == markdown_reference().strip(), (
        "docs/api.md is stale: run python -m catalog.api.docs")
