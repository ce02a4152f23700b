"""Who may read and write what: roles per organization, tokens that expire or are revoked."""

import datetime as dt

import pytest
from sqlalchemy import update

from catalog.errors import NotFound
from catalog.tables import api_tokens


def call(client, action, token=None, header="Authorization", **params):
    headers = {header: token} if token else {}
    return client.post(f"/api/3/action/{action}", json=params, headers=headers)


def show(client, key, token=None):
    return call(client, "package_show", token, id=key)


def expire(world):
    with world.catalog.store.writing() as tx:
        tx.conn.execute(update(api_tokens).values(expires=dt.datetime(2020, 1, 1)))


def test_anonymous_reads_public_only(client, world):
    assert show(client, "kasus-dbd").status_code == 200
    assert show(client, "rahasia").status_code == 403
    assert show(client, "lama").status_code == 404
    assert "rahasia" not in call(client, "package_list").json["result"]


@pytest.mark.parametrize("who", ["tamu", "staf", "kepala", "root"])
def test_members_of_the_organization_read_its_private_datasets(client, world, who):
    assert show(client, "rahasia", world.tokens[who]).json["result"]["private"] is True


def test_another_organizations_editor_cannot_read_private(client, world):
    assert show(client, "rahasia", world.tokens["sopir"]).status_code == 403


@pytest.mark.parametrize("who, visible", [("kepala", True), ("root", True), ("staf", False), ("tamu", False)])
def test_withdrawn_datasets_only_for_org_admins_and_sysadmins(client, world, who, visible):
    response = show(client, "lama", world.tokens[who])
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.json["result"]["state"] == "deleted"


@pytest.mark.parametrize("header", ["Authorization", "X-CKAN-API-Key"])
def test_editor_writes_with_either_header_and_bearer(client, world, header):
    token = world.tokens["staf"]
    assert call(client, "package_patch", token, header, id="kasus-dbd", title="A").status_code == 200
    assert call(client, "package_patch", f"Bearer {token}", "Authorization", id="kasus-dbd", title="B").status_code == 200
    assert world.catalog.get_dataset("kasus-dbd")["title"] == "B"


def _refused(client, world, token, before):
    revisions = len(world.catalog.dataset_revisions("kasus-dbd"))
    for action, params in [
        ("package_patch", {"id": "kasus-dbd", "title": "Diubah"}),
        ("package_update", {"id": "kasus-dbd", "name": "kasus-dbd", "title": "Diubah", "owner_org": "dinkes"}),
        ("package_delete", {"id": "kasus-dbd"}),
        ("package_create", {"name": "baru", "title": "Baru", "owner_org": "dinkes"}),
        ("resource_create", {"package_id": "kasus-dbd", "url": "https://example.org/x.csv"}),
        ("organization_update", {"id": "dinkes", "title": "Diubah"}),
        ("organization_member_create", {"id": "dinkes", "username": "sopir", "role": "admin"}),
    ]:
        response = call(client, action, token, **params)
        assert response.status_code == 403, (action, response.json)
        assert response.json["error"]["__type"] == "Authorization Error"
    assert world.catalog.get_dataset("kasus-dbd") == before
    assert len(world.catalog.dataset_revisions("kasus-dbd")) == revisions
    with pytest.raises(NotFound):
        world.catalog.get_dataset("baru")


def test_no_token_changes_nothing(client, world):
    _refused(client, world, None, world.catalog.get_dataset("kasus-dbd"))


def test_another_organizations_editor_changes_nothing(client, world):
    _refused(client, world, world.tokens["sopir"], world.catalog.get_dataset("kasus-dbd"))


def test_expired_token_changes_nothing(client, world):
    world.user("lupa", org="dinkes", role="editor", days=1)
    expire(world)
    _refused(client, world, world.tokens["lupa"], world.catalog.get_dataset("kasus-dbd"))


def test_revoked_token_changes_nothing(client, world):
    accounts = world.catalog.accounts
    accounts.add_user("pindah")
    accounts.set_member("dinkes", "pindah", "editor")
    token_id, token = accounts.create_token("pindah")
    assert call(client, "package_patch", token, id="kasus-dbd", notes="boleh").status_code == 200
    accounts.revoke_token(token_id)
    _refused(client, world, token, world.catalog.get_dataset("kasus-dbd"))


def test_unknown_token_is_anonymous_for_reads(client, world):
    assert show(client, "kasus-dbd", "cat_not-a-real-token").status_code == 200


def test_editor_cannot_manage_members_but_admin_can(client, world):
    assert call(client, "organization_member_create", world.tokens["staf"], id="dinkes",
                username="sopir", role="editor").status_code == 403
    assert call(client, "organization_member_create", world.tokens["kepala"], id="dinkes",
                username="sopir", role="editor").status_code == 200
    assert call(client, "package_patch", world.tokens["sopir"], id="kasus-dbd", notes="x").status_code == 200


def test_moving_a_dataset_needs_rights_in_both_organizations(client, world):
    response = call(client, "package_patch", world.tokens["staf"], id="kasus-dbd", owner_org="dishub")
    assert response.status_code == 403
    assert call(client, "package_patch", world.tokens["root"], id="kasus-dbd", owner_org="dishub").status_code == 200


def test_only_sysadmins_create_organizations(client, world):
    params = {"name": "bappeda", "title": "Bappeda"}
    assert call(client, "organization_create", world.tokens["kepala"], **params).status_code == 403
    created = call(client, "organization_create", world.tokens["root"], **params)
    assert created.status_code == 200 and created.json["result"]["is_organization"] is True
