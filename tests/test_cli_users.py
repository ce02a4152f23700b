"""``catalog user``, ``catalog token`` and ``catalog org member`` on a real instance."""

from pathlib import Path

from catalog.accounts import hash_token
from catalog.service import Catalog


def _catalog(sqlite_config):
    return Catalog.open(sqlite_config)


def test_user_token_and_member_commands(runner, sqlite_config):
    assert runner("init").exit_code == 0
    assert runner("org", "add", "dinkes", "--title", "Dinas Kesehatan").exit_code == 0
    added = runner("user", "add", "staf", "--email", "staf@malangkota.go.id")
    assert added.exit_code == 0 and "Added user staf" in added.output
    assert runner("user", "add", "root", "--sysadmin").exit_code == 0
    member = runner("org", "member", "add", "dinkes", "staf", "--role", "editor")
    assert member.exit_code == 0, member.output
    listed = runner("user", "list").output
    assert "staf" in listed and "dinkes:editor" in listed and "root" in listed and "sysadmin" in listed

    created = runner("token", "create", "staf", "--expires", "30", "--name", "skrip")
    assert created.exit_code == 0
    token = created.stdout.strip().splitlines()[-1]
    catalog = _catalog(sqlite_config)
    try:
        user = catalog.accounts.user_for_token(token)
        assert user.name == "staf" and user.role_in(catalog.get_organization("dinkes")["id"]) == "editor"
        with catalog.store.reading() as tx:
            row = tx.token_row(hash_token(token))
        assert row.name == "skrip" and row.expires is not None
        assert runner("token", "revoke", row.id).exit_code == 0
        assert catalog.accounts.user_for_token(token) is None
    finally:
        catalog.close()


def test_token_is_stored_only_as_a_hash(runner, sqlite_config):
    runner("init")
    runner("user", "add", "staf")
    token = runner("token", "create", "staf").stdout.strip().splitlines()[-1]
    stored = b"".join(path.read_bytes() for path in Path(sqlite_config["HOME"]).glob("catalog.db*"))
    assert stored and token.encode() not in stored and hash_token(token).encode() in stored


def test_expected_errors_are_one_line(runner):
    runner("init")
    missing = runner("token", "create", "nobody")
    assert missing.exit_code == 1 and missing.output.strip() == "Error: User not found: nobody"
    bad = runner("user", "add", "Bad Name")
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "name" in bad.output
    runner("user", "add", "staf")
    twice = runner("user", "add", "staf")
    assert twice.exit_code == 1 and "not available" in twice.output
    unknown_org = runner("org", "member", "add", "nope", "staf", "--role", "admin")
    assert unknown_org.exit_code == 1 and "Organization not found: nope" in unknown_org.output
    assert runner("token", "revoke", "no-such-id").exit_code == 1


def test_commands_have_help(runner):
    for command in (["user", "add"], ["user", "list"], ["token", "create"], ["token", "revoke"],
                    ["org", "member", "add"]):
        result = runner(*command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
