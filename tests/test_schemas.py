"""The metadata schemas: well-formed, complete, and giving every error by field path."""

import json

import pytest
from jsonschema import Draft202012Validator

from catalog import schemas
from tests.builders import make_dataset, make_organization
from tests.ci import missing


@pytest.mark.parametrize("name", schemas.FILES)
def test_every_schema_file_is_a_valid_2020_12_schema(name):
    doc = schemas.load(name)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)


def _properties(node, path=""):
    """Yield (path, subschema) for every property declared anywhere in a schema."""
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            yield f"{path}.{key}".lstrip("."), sub
        for key, sub in node.items():
            yield from _properties(sub, f"{path}.{key}" if key != "properties" else path)
    elif isinstance(node, list):
        for sub in node:
            yield from _properties(sub, path)


def _documented(sub, here):
    if "$ref" in sub and "title" not in sub:
        target_file, _, pointer = sub["$ref"].partition("#")
        target = schemas.load(target_file.removesuffix(".json") if target_file else here)
        for part in filter(None, pointer.split("/")):
            target = target[part]
        return "title" in target and ("description" in sub or "description" in target)
    return "title" in sub and "description" in sub


@pytest.mark.parametrize("name", schemas.FILES)
def test_every_property_has_a_title_and_description(name):
    missing = [path for path, sub in _properties(schemas.load(name)) if not _documented(sub, name)]
    assert missing == []


def test_a_realistic_indonesian_dataset_is_valid():
    assert schemas.validate(make_dataset(), "dataset") == {}


def test_a_realistic_organization_is_valid():
    assert schemas.validate(make_organization(), "organization") == {}


def test_every_error_is_reported_with_its_dotted_path():
    record = make_dataset(
        name="Data Penduduk!",
        title="",
        frequency="SETIAP_TAHUN",
        spatial=["35.73", "35.99.01"],
        issued="2024-02-30",
        temporal_start="2024-12-31",
        temporal_end="2024-01-01",
        access_level="publik",
        contact_point={"name": "Dinkes"},
        theme=["HEALTH"],
        colour="merah",
    )
    record["resources"][0]["url"] = "dbd-2024.csv"
    record["resources"][1]["size"] = -5
    record["tags"].append({"name": "x"})
    del record["owner_org"]

    errors = schemas.validate(record, "dataset")

    assert set(errors) == {
        "name",
        "title",
        "owner_org",
        "frequency",
        "spatial.1",
        "issued",
        "temporal_end",
        "access_level",
        "contact_point",
        "theme.0",
        "colour",
        "resources.0.url",
        "resources.1.size",
        "tags.3.name",
    }
    assert errors["title"] == ["Missing value"]
    assert errors["owner_org"] == ["Missing value"]
    assert errors["colour"] == ["Unknown field"]
    assert errors["temporal_end"] == ["Must not be before temporal_start"]
    assert "SETIAP_TAHUN" in errors["frequency"][0] and "ANNUAL" in errors["frequency"][0]
    assert errors["contact_point"] == ["Needs at least one of: email, url, phone"]


@pytest.mark.parametrize("name", ["new", "search", "api"])
def test_reserved_names_are_refused(name):
    assert schemas.validate(make_dataset(name=name), "dataset") == {"name": [f"{name!r} is a reserved word"]}


@pytest.mark.parametrize(
    "name, ok",
    [("ab", True), ("a", False), ("x" * 100, True), ("x" * 101, False), ("data_2024-v2", True), ("Data", False),
     ("data.csv", False), ("dátá", False)],
)
def test_name_slug_rules(name, ok):
    assert ("name" not in schemas.validate(make_dataset(name=name), "dataset")) is ok


@pytest.mark.parametrize(
    "value", ["2024-01-31", "2024-01-31T10:00:00", "2024-01-31T10:00:00Z", "2024-01-31T10:00+07:00"]
)
def test_dates_and_date_times_are_accepted(value):
    assert schemas.validate(make_dataset(issued=value, modified=value), "dataset") == {}


@pytest.mark.parametrize("value", ["31-01-2024", "2024-13-01", "2024", "kemarin", "2024-01-31 10:00"])
def test_malformed_dates_are_refused(value):
    assert set(schemas.validate(make_dataset(issued=value), "dataset")) == {"issued"}


def test_region_reference_data_covers_kota_malang():
    regions = schemas.region_names()
    levels = [r["level"] for r in regions.values()]
    assert regions["35.73"]["name"] == "Kota Malang"
    assert levels.count("kecamatan") == 5 and levels.count("kelurahan") == 57
    assert {regions[c]["name"] for c, r in regions.items() if r["level"] == "kecamatan"} == {
        "Blimbing", "Klojen", "Kedungkandang", "Sukun", "Lowokwaru"
    }
    for code, region in regions.items():
        if region["parent"]:
            assert code.startswith(region["parent"] + ".")


def test_frequencies_carry_indonesian_labels():
    labels = schemas.labels("frequency")
    assert labels["DAILY"] == "Harian" and labels["MONTHLY"] == "Bulanan" and labels["ANNUAL"] == "Tahunan"


def test_translated_fields_take_language_codes_only():
    errors = schemas.validate(make_dataset(title_translated={"Indonesia": "Judul"}), "dataset")
    assert list(errors) == ["title_translated"]


def test_harvest_source_schema():
    good = {"name": "dinkes-ckan", "type": "ckan", "url": "https://data.malangkota.go.id/", "organization": "dinkes"}
    assert schemas.validate(good, "harvest_source") == {}
    errors = schemas.validate({**good, "url": "ftp//broken", "type": "CKAN!"}, "harvest_source")
    assert set(errors) == {"url", "type"}


def test_errors_for_a_non_object_record():
    assert schemas.validate(["not", "a", "record"], "dataset") == {"(record)": ["Must be of type object"]}


def test_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown schema kind"):
        schemas.validate({}, "widget")


def test_schema_files_are_json_with_unique_ids():
    ids = [json.dumps(schemas.load(n)["$id"]) for n in schemas.FILES]
    assert len(ids) == len(set(ids))


def _variants():
    """Good and bad records: every single-field breakage the other tests use, and valid edge cases."""
    base = make_dataset()
    changes = [
        {}, {"name": "X"}, {"name": "new"}, {"name": "a" * 101}, {"title": ""}, {"frequency": "YEARLY"},
        {"spatial": ["35.99"]}, {"spatial": ["35.73", "35.73"]}, {"issued": "2024-02-30"}, {"issued": "2024"},
        {"modified": "2024-01-31T25:00:00"}, {"access_level": "publik"}, {"contact_point": {"name": "x"}},
        {"contact_point": {"phone": "0341-551"}}, {"theme": ["HEALTH"]}, {"theme": []}, {"colour": 1},
        {"tags": [{"name": "x"}]}, {"tags": [{"name": "ok"}, {"name": "ok"}]}, {"tags": [{"name": "jalan raya"}]},
        {"private": "yes"}, {"language": ["ind"]}, {"language": ["IND"]}, {"title_translated": {"id": 1}},
        {"title_translated": {"jv": "Data"}}, {"url": "www.malangkota.go.id"}, {"url": "http://"},
        {"author_email": "bukan-email"}, {"extras": [{"key": "k"}]}, {"extras": [{"key": "k", "value": "v"}]},
        {"publisher": {}}, {"unit": "jiwa" * 30}, {"temporal_start": "2024-01-01T00:00:00"},
        {"resources": [{"url": "ftp://ftp.malangkota.go.id/a.csv", "size": 0}]}, {"resources": [{"size": 3}]},
        {"resources": [{"url": "https://a.id/x", "mimetype": "text csv"}]}, {"owner_org": "Dinkes"},
        {"harvest": {"source": "s", "remote_id": "r", "harvested_at": "2024-01-01T00:00:00"}},
        {"harvest": {"source": "s", "bogus": 1}}, {"groups": [{"title": "no name"}]},
    ]
    return [({**base, **change}) for change in changes]


@pytest.mark.parametrize("record", _variants())
def test_fast_and_full_validators_agree(record):
    fast = schemas._passes_fast(record, "dataset")
    full = not any(True for _ in schemas.validator("dataset").iter_errors(record))
    assert fast == full


@pytest.mark.parametrize("url", [
    "http://a.example/x", "https://x.example:8080/p?q#f", "ftp://h", "http://-", "http://[::1]/", "http://a:99999/",
    "https://data.go.id/a%20b?x=1&y=%C3%A9#frag", "http://user:pw@a.example/", "https://x.id/a(b)?q=a/b?c",
    "http://a.example/x%zz", "http://a.example/x\"y", "http://a/<x>", "http://a/x\\y", "http://[::1/", "http://:80",
    "mailto:a@b.example", "http:/a.example", "//a.example/x", "https://", "http://a/b#c#d",
])
def test_the_plain_url_shortcut_agrees_with_rfc3986(url):
    import rfc3986
    from rfc3986 import exceptions, validators

    uri = rfc3986.uri_reference(url)
    checker = validators.Validator().require_presence_of("scheme", "host").allow_schemes("http", "https", "ftp")
    try:
        checker.check_validity_of("scheme", "userinfo", "host", "port", "path", "query", "fragment").validate(uri)
        parsed = uri.unsplit() == url and bool(uri.host)
    except exceptions.RFC3986Exception:
        parsed = False
    assert schemas._rfc3986_url(url) is parsed
    if schemas._PLAIN_URL.match(url):
        assert parsed


@pytest.mark.parametrize("url", ['https://x.id/a"onmouseover="x', "https://x.id/<script>", "https://x.id/a\\b",
                                 "http://a.example:99999/", "javascript:alert(1)", "https://x.id/%", "https:// x.id/"])
def test_urls_that_no_writer_could_publish_are_refused_by_path(url):
    record = make_dataset(url=url)
    record["resources"][0]["url"] = url
    errors = schemas.validate(schemas.with_encoded_urls(record, "dataset"), "dataset")
    if url == "https://x.id/%":  # a stray percent sign has one reading: it is encoded, not refused
        assert errors == {}
        return
    assert {"url", "resources.0.url"} <= set(errors)
    assert "RFC 3986" in errors["url"][0]


@pytest.mark.parametrize(("given", "stored"), [
    ("https://data.go.id/files/data 2024.csv", "https://data.go.id/files/data%202024.csv"),
    ("  https://data.go.id/a  ", "https://data.go.id/a"),
    ("https://data.go.id/Klojen é?tahun=[2024]", "https://data.go.id/Klojen%20%C3%A9?tahun=%5B2024%5D"),
    ("HTTPS://Pemkot-Malang.go.id/peta#a#b", "https://Pemkot-Malang.go.id/peta#a%23b"),
    ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
])
def test_unencoded_urls_from_real_feeds_are_percent_encoded_not_refused(given, stored):
    record = make_dataset(landing_page=given)
    record["resources"][0]["download_url"] = given
    encoded = schemas.with_encoded_urls(record, "dataset")
    assert encoded["landing_page"] == stored == encoded["resources"][0]["download_url"]
    assert schemas.validate(encoded, "dataset") == {}
    assert schemas.validate(record, "dataset") == {}  # the raw form is judged by what it will be stored as


@pytest.mark.parametrize("bad", ["sur \ud800 end", "\udcff", "a\x00b", "bell\x07", "\x0bvt", "esc\x1b[0m", "del\x7f", "\ufffe"])
def test_text_that_cannot_be_stored_is_refused_by_path(bad):
    record = make_dataset(title=bad)
    record["resources"][0]["name"] = bad
    record["extras"] = [{"key": bad, "value": "v"}]
    errors = schemas.validate(record, "dataset")
    assert {"title", "resources.0.name", "extras.0.key"} <= set(errors)
    assert "U+" in errors["title"][0]


def test_tab_newline_and_carriage_return_are_ordinary_text():
    assert schemas.validate(make_dataset(notes="a\tb\r\nc\nd"), "dataset") == {}


def _urls(doc):
    if isinstance(doc, dict):
        for value in doc.values():
            yield from _urls(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _urls(value)
    elif isinstance(doc, str) and doc.strip().lower().startswith(("http://", "https://", "ftp://")):
        yield doc


def test_every_url_in_real_published_catalogs_is_accepted_as_given():
    """Tightening URLs to RFC 3986 must not refuse what real CKAN, data.json and DCAT JSON-LD catalogs publish."""
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"
    files = sorted([*folder.rglob("*.json"), *folder.rglob("*.jsonld")])
    if not files:
        missing(f"real-world documents not found at {folder}")
    urls = [url for path in files for url in _urls(json.loads(path.read_text("utf-8")))]
    assert len(urls) > 2000
    refused = [url for url in urls if not schemas._is_web_url(url)]
    assert refused == []
    assert all(schemas.encode_url(url) == url.strip() for url in urls if schemas._PLAIN_URL.match(url.strip()))
