"""Accounts, roles, tokens and download counts in the store, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import update

from catalog.errors import NotFound, ValidationError
from catalog.tables import api_tokens
from tests.builders import make_dataset


def test_token_lifecycle(catalog, org):
    accounts = catalog.accounts
    accounts.add_user("staf", email="staf@malangkota.go.id")
    accounts.set_member("dinkes", "staf", "editor")
    token_id, token = accounts.create_token("staf", days=30, name="skrip")
    user = accounts.user_for_token(token)
    assert user.name == "staf" and user.role_in(org["id"]) == "editor" and not user.sysadmin
    assert user.actor == "user:staf"
    assert accounts.user_for_token(token + "x") is None
    with catalog.store.writing() as tx:
        tx.conn.execute(update(api_tokens).values(expires=dt.datetime(2020, 1, 1)))
    assert accounts.user_for_token(token) is None
    accounts.revoke_token(token_id)
    with pytest.raises(NotFound):
        accounts.revoke_token(token_id)


def test_roles_replace_and_list(catalog, org):
    accounts = catalog.accounts
    accounts.add_user("kepala")
    accounts.set_member("dinkes", "kepala", "member")
    accounts.set_member(org["id"], "kepala", "admin")
    assert accounts.members(org["id"]) == [("kepala", "admin")]
    assert accounts.list_users()[0]["roles"] == {"dinkes": "admin"}
    with pytest.raises(ValidationError):
        accounts.set_member("dinkes", "kepala", "owner")
    with pytest.raises(NotFound):
        accounts.set_member("dinkes", "nobody", "member")


def test_user_names_are_unique_and_valid(catalog):
    catalog.accounts.add_user("siti")
    with pytest.raises(ValidationError) as taken:
        catalog.accounts.add_user("siti")
    assert "name" in taken.value.errors
    with pytest.raises(ValidationError):
        catalog.accounts.add_user("Siti Aminah")


def test_dataset_with_organization_and_download_counts(catalog, org):
    record = catalog.create_dataset(make_dataset(name="kasus-dbd"), actor="test")
    with catalog.store.reading() as tx:
        by_name = tx.dataset_with_organization("kasus-dbd")
        by_id = tx.dataset_with_organization(record["id"])
        assert tx.dataset_with_organization("tidak-ada") is None
    assert by_name == by_id and by_name[1]["id"] == org["id"]
    first = record["resources"][0]["id"]
    with catalog.store.writing() as tx:
        tx.record_download(first, record["id"])
        tx.record_download(first, record["id"])
    with catalog.store.reading() as tx:
        assert tx.download_counts(record["id"]) == {first: 2}
