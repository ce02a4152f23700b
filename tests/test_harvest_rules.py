"""The same rules in every harvester, and recovery from RDF the strict parser refuses."""

import json

import pytest

from catalog.dcat.graph import UnsafeXml, read_tolerant
from harvesters import RecordError, RemoteItem
from harvesters.ckan import CkanHarvester
from harvesters.datajson import DatajsonHarvester
from harvesters.dcat import DcatHarvester
from harvesters.normalise import NO_RESOURCE, NO_URL
from tests.contracts.harvester import POLICY
from tests.test_dcat_harvester import BILLION_LAUGHS, XXE

# A record as a neutral dict: what each syntax below renders.
GOOD = {"id": "rec-1", "title": "Jumlah Penduduk", "resources": ["https://data.example/a.csv"]}
BREAKAGES = {
    "no title": ({**GOOD, "title": ""}, "title"),
    "no resource": ({**GOOD, "resources": []}, "resources"),
    "no resource with a URL": ({**GOOD, "resources": [None]}, "resources"),
    "a lone surrogate in the title": ({**GOOD, "title": "Data \udcff"}, "title"),
}


def as_ckan(record: dict) -> dict:
    return {"id": record["id"], "name": "jumlah-penduduk", "title": record["title"], "resources": [
        {"url": url or "", "format": "CSV"} for url in record["resources"]]}


def as_datajson(record: dict) -> dict:
    return {"identifier": record["id"], "title": record["title"], "description": "x", "distribution": [
        {"downloadURL": url} if url else {"title": "Data"} for url in record["resources"]]}


def as_turtle(record: dict) -> bytes:
    title = json.dumps(record["title"]).replace("\\udcff", "\\uDCFF")
    distributions = " , ".join(f"[ dcat:downloadURL <{url}> ]" if url else '[ dct:title "Data" ]'
                               for url in record["resources"])
    body = f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://data.example/d/{record["id"]}> a dcat:Dataset ; dct:identifier "{record["id"]}" ; dct:title {title}
    {"; dcat:distribution " + distributions if distributions else ""} ."""
    return body.encode()


def dcat_items(server, body: bytes, path: str = "/feed.ttl"):
    url = server.document(path, body, content_type="text/turtle")
    harvester = DcatHarvester({"url": url, "organization": "dinkes", "config": {}}, _client(url))
    return harvester, list(harvester.items())


def _client(url):
    from harvesters.http import HarvestClient

    return HarvestClient.from_config(POLICY, url)


def outcome(parse, item):
    """(path, message) of a refusal, or the record; a record whose text cannot be stored is refused later by the
    schema check, by path, so that check is applied here too."""
    from catalog import schemas

    try:
        record = parse(item)
    except RecordError as error:
        return error.path, error.message
    errors = schemas.validate({**record, "owner_org": "dinkes"}, "dataset")
    return (next(iter(errors)), "schema") if errors else record


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_record_the_ckan_harvester_refuses_is_refused_in_every_syntax(breakage, http_server):
    record, path = BREAKAGES[breakage]
    ckan = outcome(CkanHarvester({"url": "https://ckan.example"}, None).parse, RemoteItem("x", as_ckan(record)))
    datajson = outcome(DatajsonHarvester({"url": "https://x.example"}, None).parse,
                       RemoteItem("x", as_datajson(record), "https://x.example/data.json#dataset[0]"))
    harvester, items = dcat_items(http_server, as_turtle(record))
    dcat = outcome(harvester.parse, items[0])
    assert ckan[0] == datajson[0] == dcat[0] == path
    assert ckan == datajson == dcat or path == "title"  # a refused title's message names what was found


def test_a_resource_without_url_is_left_out_with_the_same_warning_everywhere(http_server):
    record = {**GOOD, "resources": [None, "https://data.example/a.csv"]}
    ckan = CkanHarvester({"url": "https://ckan.example"}, None).parse(RemoteItem("x", as_ckan(record)))
    datajson = DatajsonHarvester({"url": "https://x.example"}, None).parse(RemoteItem("x", as_datajson(record)))
    harvester, items = dcat_items(http_server, as_turtle(record))
    dcat = harvester.parse(items[0])
    for data in (ckan, datajson, dcat):
        assert [r["url"] for r in data["resources"]] == ["https://data.example/a.csv"]
        assert {"path": "resources.0.url", "message": NO_URL} in data["harvest"]["warnings"]
    assert NO_RESOURCE.startswith("No resource")


BROKEN_PAGE = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<https://data.example/catalog?page=1> a hydra:PagedCollection ; hydra:totalItems 3 .
<https://data.example/d/1> a dcat:Dataset ; dct:title "Baik" ;
    dcat:distribution [ dcat:downloadURL <https://data.example/files/a[1].csv> ] .
<https://data.example/d/2> a dcat:Dataset ; dct:title "Rusak \\uDCFF" ;
    dcat:distribution [ dcat:downloadURL <https://data.example/b.csv> ] .
<https://data.example/d/3 x> a dcat:Dataset ; dct:title "Juga baik" ;
    dcat:distribution [ dcat:downloadURL <https://data.example/c.csv> ] .
"""


def test_a_page_the_strict_parser_refuses_costs_only_the_record_that_cannot_be_read(http_server):
    harvester, items = dcat_items(http_server, BROKEN_PAGE)
    outcomes = {}
    for item in items:
        try:
            outcomes[item.remote_id] = harvester.parse(item)
        except RecordError as error:
            outcomes[item.remote_id] = (error.path, error.message)
    assert outcomes["https://data.example/d/2"] == ("title", "Contains a lone surrogate (U+DCFF) at character 7")
    good = [r for r in outcomes.values() if isinstance(r, dict)]
    assert sorted(r["title"] for r in good) == ["Baik", "Juga baik"]
    for record in good:
        warning = next(w for w in record["harvest"]["warnings"] if w["path"] == "(document)")
        assert warning["message"].startswith("The document was not valid Turtle (Parser error at line 5")


def test_json_ld_with_a_lone_surrogate_costs_one_record_and_a_remote_context_is_never_fetched():
    body = json.dumps([
        {"@id": "https://data.example/d/1", "@type": "http://www.w3.org/ns/dcat#Dataset",
         "http://purl.org/dc/terms/title": [{"@value": "Baik"}]},
        {"@id": "https://data.example/d/2", "@type": "http://www.w3.org/ns/dcat#Dataset",
         "http://purl.org/dc/terms/title": [{"@value": "Rusak \udcff"}]},
    ]).encode()
    from pyoxigraph import RdfFormat

    reading = read_tolerant(body, RdfFormat.JSON_LD, "https://data.example/")
    assert reading.problem and len(reading.triples) == 4
    assert [(s.value, p) for s, found in reading.defects.items() for p, _ in found] == [
        ("https://data.example/d/2", "http://purl.org/dc/terms/title")]
    remote = json.dumps({"@context": "https://data.example/context.jsonld", "@id": "https://data.example/d/1",
                         "title": "Rusak \udcff"}).encode()
    with pytest.raises(SyntaxError):
        read_tolerant(remote, RdfFormat.JSON_LD, "https://data.example/")


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_the_entity_defences_stand_in_front_of_the_tolerant_parsers(body):
    from pyoxigraph import RdfFormat

    with pytest.raises(UnsafeXml):
        read_tolerant(body.encode(), RdfFormat.RDF_XML, "https://data.example/")
