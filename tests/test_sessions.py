"""Sign-in sessions of /admin: a random server-side id in the cookie, the cookie's flags, sign-out and
revocation ending every session of the account, and no session made from a copied database."""

import re

import pytest
from sqlalchemy import select, update

from catalog.accounts import hash_token
from catalog.app import create_app
from catalog.tables import sessions
from catalog.store import now

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site(app):
    catalog = app.extensions["catalog"]
    catalog.accounts.add_user("walidata", sysadmin=True)
    token_id, token = catalog.accounts.create_token("walidata")
    other_id, _ = catalog.accounts.create_token("walidata", name="cli")
    return {"catalog": catalog, "token": token, "token_id": token_id, "other_token_id": other_id}


def sign_in(client, token, **kwargs):
    csrf = CSRF.search(client.get("/admin/login", **kwargs).get_data(as_text=True)).group(1)
    response = client.post("/admin/login", data={"token": token, "csrf_token": csrf}, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def signed_in(client, **kwargs) -> bool:
    response = client.get("/admin/", **kwargs)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def cookie_of(client):
    return client.get_cookie("session").value


def test_the_cookie_carries_a_random_session_id_never_the_token_or_its_hash(app, client, site):
    sign_in(client, site["token"])
    content = app.session_interface.get_signing_serializer(app).loads(cookie_of(client))
    assert set(content) == {"admin_session", "admin_csrf"}
    session_id = content["admin_session"]
    assert len(session_id) >= 43 and site["token"] not in str(content) and hash_token(site["token"]) not in str(content)
    with site["catalog"].store.reading() as tx:
        stored = tx.conn.execute(select(sessions.c.id_hash)).scalars().all()
    assert stored == [hash_token(session_id)], "the store keeps only the id's hash"


def test_cookie_flags_over_http_and_https(app, site):
    plain = app.test_client()
    header = sign_in(plain, site["token"]).headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    secure = app.test_client()
    header = sign_in(secure, site["token"], base_url="https://localhost").headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header


def test_secure_behind_a_trusted_proxy_only(sqlite_config):
    for hops, secure in ((1, True), (0, False)):
        app = create_app({**sqlite_config, "TESTING": True, "TRUSTED_PROXIES": hops})
        catalog = app.extensions["catalog"]
        catalog.init()
        if hops:
            catalog.accounts.add_user("walidata", sysadmin=True)
        token = catalog.accounts.create_token("walidata")[1]
        client = app.test_client()
        header = sign_in(client, token, headers={"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
        assert ("Secure" in header) is secure
        catalog.close()


def test_a_copied_database_and_the_signing_key_make_no_session(app, site):
    victim = app.test_client()
    sign_in(victim, site["token"])
    with site["catalog"].store.reading() as tx:
        leaked_hash = tx.conn.execute(select(sessions.c.id_hash)).scalar_one()
    serializer = app.session_interface.get_signing_serializer(app)
    for forged in ({"admin_session": leaked_hash}, {"admin_token_hash": hash_token(site["token"])},
                   {"admin_session": ["not", "text"]}):
        attacker = app.test_client()
        attacker.set_cookie("session", serializer.dumps(forged))
        assert not signed_in(attacker)
    assert signed_in(victim)


def test_signing_out_ends_every_session_of_the_account_copies_included(app, site):
    laptop, phone, thief = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, site["token"])
    sign_in(phone, site["token"])
    thief.set_cookie("session", cookie_of(laptop))
    assert signed_in(laptop) and signed_in(phone) and signed_in(thief)
    csrf = CSRF.search(laptop.get("/admin/").get_data(as_text=True)).group(1)
    assert laptop.post("/admin/logout", data={}).status_code == 403, "sign-out needs the CSRF token too"
    assert laptop.post("/admin/logout", data={"csrf_token": csrf}).status_code == 302
    assert not signed_in(laptop) and not signed_in(phone) and not signed_in(thief)
    with site["catalog"].store.reading() as tx:
        assert tx.conn.execute(select(sessions)).all() == []


@pytest.mark.parametrize("which", ["token_id", "other_token_id"])
def test_revoking_any_token_of_the_account_ends_its_sessions(app, client, site, which):
    sign_in(client, site["token"])
    site["catalog"].accounts.revoke_token(site[which])
    assert not signed_in(client)


def test_revocation_through_the_cli_ends_the_sessions_too(app, client, site, runner):
    sign_in(client, site["token"])
    result = runner("token", "revoke", site["other_token_id"])
    assert result.exit_code == 0, result.output
    assert not signed_in(client)


def test_a_session_ends_when_it_expires_or_its_token_does(app, client, site):
    sign_in(client, site["token"])
    with site["catalog"].store.writing() as tx:
        tx.conn.execute(update(sessions).values(expires=now()))
    assert not signed_in(client)
    sign_in(client, site["token"])
    from catalog.tables import api_tokens

    with site["catalog"].store.writing() as tx:
        tx.conn.execute(update(api_tokens).where(api_tokens.c.id == site["token_id"]).values(expires=now()))
    assert not signed_in(client)


def test_the_session_lasts_session_lifetime(app, client, site):
    app.config["SESSION_LIFETIME"] = 120
    before = now()
    sign_in(client, site["token"])
    with site["catalog"].store.reading() as tx:
        expires = tx.conn.execute(select(sessions.c.expires)).scalar_one()
    assert 110 <= (expires - before).total_seconds() <= 130


def test_every_admin_form_post_needs_the_csrf_token(app, client, site):
    sign_in(client, site["token"])
    posts = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.") and "POST" in rule.methods]
    assert {rule.endpoint for rule in posts} >= {"admin.login", "admin.logout", "admin.run_now"}
    for rule in posts:
        path = rule.rule.replace("<name>", "dinkes")
        assert client.post(path, data={"csrf_token": "forged"}).status_code == 403, path
    assert signed_in(client)


def test_a_signed_in_token_that_is_not_a_sysadmin_s_makes_no_session(app, client, site):
    site["catalog"].accounts.add_user("staf")
    token = site["catalog"].accounts.create_token("staf")[1]
    csrf = CSRF.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    assert client.post("/admin/login", data={"token": token, "csrf_token": csrf}).status_code == 403
    with site["catalog"].store.reading() as tx:
        assert tx.conn.execute(select(sessions)).all() == []


def test_the_sessions_table_works_on_every_database(config):
    from catalog.service import Catalog

    catalog = Catalog.open(config)
    catalog.init()
    catalog.accounts.add_user("walidata", sysadmin=True)
    token = catalog.accounts.create_token("walidata")[1]
    session_id, user = catalog.accounts.start_session(token, seconds=60)
    assert catalog.accounts.session_user(session_id) == user and user.name == "walidata"
    assert catalog.accounts.session_user(hash_token(session_id)) is None
    assert catalog.accounts.start_session("cat_unknown", seconds=60) is None
    assert catalog.accounts.end_sessions(user.id) == 1 and catalog.accounts.session_user(session_id) is None
    catalog.close()
