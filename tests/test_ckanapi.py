"""The real ``ckanapi`` command line (from PyPI) against the catalog served on loopback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CKANAPI = Path(sys.executable).with_name("ckanapi")


def ckanapi(*args, check=True):
    """Run the ckanapi CLI; returns its parsed JSON output (or the completed process when check=False)."""
    env = {**os.environ, "PATH": f"{CKANAPI.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(CKANAPI), *args], capture_output=True, text=True, timeout=120, env=env)
    if not check:
        return done
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_status_show(live_server):
    result = ckanapi("action", "status_show", "-r", live_server)
    assert result["ckan_version"].startswith("2.10")
    assert result["site_title"] == "Portal Satu Data Kota Malang"


def test_package_search_with_q_and_rows(live_server, world):
    result = ckanapi("action", "package_search", "q=jumlah", "rows=1", "-r", live_server)
    assert result["count"] == 3  # kasus-dbd, penduduk, terminal; not the private or withdrawn ones
    assert len(result["results"]) == 1
    assert result["results"][0]["num_resources"] == len(result["results"][0]["resources"])


def test_package_show_has_ckan_shape(live_server, world):
    result = ckanapi("action", "package_show", "id=kasus-dbd", "-r", live_server)
    assert result["name"] == "kasus-dbd"
    assert result["organization"]["name"] == "dinkes"
    assert result["owner_org"] == result["organization"]["id"]
    assert {t["name"] for t in result["tags"]} == {"kesehatan", "DBD", "puskesmas"}
    assert all(set(t) >= {"id", "name", "display_name", "state"} for t in result["tags"])
    assert result["resources"][1]["position"] == 1 and result["resources"][1]["package_id"] == result["id"]
    assert result["frequency"] == "MONTHLY"  # a first-class DCAT field at the top level


def test_organization_list_all_fields(live_server, world):
    result = ckanapi("action", "organization_list", "all_fields=true", "-r", live_server)
    counts = {o["name"]: o["package_count"] for o in result}
    assert counts == {"dinkes": 2, "dishub": 1}  # public, active datasets only


def test_dump_all_datasets_matches_package_search(live_server, world, tmp_path):
    out = tmp_path / "datasets.jsonl"
    done = ckanapi("dump", "datasets", "--all", "-O", str(out), "-r", live_server, check=False)
    assert done.returncode == 0, done.stderr
    dumped = [json.loads(line) for line in out.read_text().splitlines()]
    searched = ckanapi("action", "package_search", "rows=0", "-r", live_server)
    assert len(dumped) == searched["count"] == 3
    assert {d["name"] for d in dumped} == {"kasus-dbd", "penduduk", "terminal"}


def test_write_round_trip_with_a_token(live_server, world, tmp_path):
    token = world.tokens["staf"]
    created = ckanapi("action", "package_create", "name=data-puskesmas", "title=Data Puskesmas",
                      "owner_org=dinkes", "-a", token, "-r", live_server)
    assert created["state"] == "active"
    shown = ckanapi("action", "package_show", "id=data-puskesmas", "-r", live_server)
    assert shown["id"] == created["id"]
    patched = ckanapi("action", "package_patch", "id=data-puskesmas", "notes=Daftar puskesmas",
                      "-a", token, "-r", live_server)
    assert patched["notes"] == "Daftar puskesmas" and patched["title"] == "Data Puskesmas"
    ckanapi("action", "package_delete", "id=data-puskesmas", "-a", token, "-r", live_server)
    gone = ckanapi("action", "package_show", "id=data-puskesmas", "-r", live_server, check=False)
    assert gone.returncode != 0 and "ckanapi.errors.NotFound" in gone.stderr
    revisions = world.catalog.dataset_revisions("data-puskesmas")
    assert [(r["action"], r["actor"]) for r in revisions] == [
        ("create", "user:staf"), ("update", "user:staf"), ("withdraw", "user:staf")]


def test_update_accepts_a_package_show_result_sent_back(live_server, world, tmp_path):
    shown = ckanapi("action", "package_show", "id=penduduk", "-r", live_server)
    shown["title"] = "Jumlah Penduduk Kota Malang"
    path = tmp_path / "package.json"
    path.write_text(json.dumps(shown))
    updated = ckanapi("action", "package_update", "-I", str(path), "-a", world.tokens["staf"], "-r", live_server)
    assert updated["title"] == "Jumlah Penduduk Kota Malang"
    assert updated["tags"] == shown["tags"] and updated["resources"][0]["id"] == shown["resources"][0]["id"]


@pytest.mark.parametrize("who", [None, "sopir"])
def test_write_without_rights_fails_with_not_authorized(live_server, world, who):
    auth = ["-a", world.tokens[who]] if who else []
    done = ckanapi("action", "package_patch", "id=kasus-dbd", "title=Diubah", *auth, "-r", live_server, check=False)
    assert done.returncode != 0 and "ckanapi.errors.NotAuthorized" in done.stderr
    assert world.catalog.get_dataset("kasus-dbd")["title"] != "Diubah"


def test_upload_with_ckanapi(live_server, world, tmp_path):
    data = tmp_path / "puskesmas.csv"
    data.write_text("nama,kecamatan\nPuskesmas Arjuno,Klojen\n")
    resource = ckanapi("action", "resource_create", "package_id=kasus-dbd", "format=CSV", f"upload@{data}",
                       "-a", world.tokens["staf"], "-r", live_server)
    assert resource["url_type"] == "upload" and resource["size"] == data.stat().st_size
    assert resource["url"].endswith("/download/puskesmas.csv")
