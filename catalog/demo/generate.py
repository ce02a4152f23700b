"""Write the demo's source documents from the seed tables: ``python -m catalog.demo.generate``.

Deterministic: the same seeds give byte-identical files. Each agency publishes the way
``seeds.AGENCIES`` says: CKAN API package dicts (``NAME.ckan.json``), a DCAT-US 1.1 data.json
(``NAME.data.json``) or DCAT-AP Turtle written with rdflib (``NAME.ttl``).
"""

import json
import random
from pathlib import Path

from catalog.demo.seeds import AGENCIES, TOPICS, YEARS
from harvesters.mapping import slugify

DATA = Path(__file__).parent / "data"
KECAMATAN = [("35.73.01", "Blimbing"), ("35.73.02", "Klojen"), ("35.73.03", "Kedungkandang"),
             ("35.73.04", "Sukun"), ("35.73.05", "Lowokwaru")]
MEDIA = {"CSV": "text/csv", "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "PDF": "application/pdf"}
PERIODS = {"MONTHLY": "R/P1M", "QUARTERLY": "R/P3M", "ANNUAL": "R/P1Y", "ANNUAL_2": "R/P6M"}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def thousands(number: int) -> str:
    """A whole number written the Indonesian way, with dots between thousands: 12.175."""
    return f"{number:,}".replace(",", ".")


def in_sentence(topic: str) -> str:
    """A title-cased topic as it reads inside a sentence: acronyms such as DBD keep their capitals."""
    return " ".join(word if word.strip("()").isupper() else word.lower() for word in topic.split())


def datasets(agency: str, title: str, email: str):
    """The neutral records of one agency: one per topic and year, broken down per kecamatan."""
    for topic, unit, theme, frequency, keywords, formats in TOPICS[agency]:
        for year in YEARS:
            rng = random.Random(f"{agency}/{topic}/{year}")
            values = [(code, name, rng.randint(20, 5000)) for code, name in KECAMATAN]
            rows = "\n".join(f"| {name} | {thousands(value)} |" for _, name, value in values)
            name = slugify(f"{topic} per kecamatan {year}")
            yield {
                "id": f"{agency}-{name}",
                "name": name,
                "title": f"{topic} per Kecamatan di Kota Malang Tahun {year}",
                "notes": (f"Data {in_sentence(topic)} di lima kecamatan Kota Malang pada tahun {year}, dihimpun oleh "
                          f"{title} Kota Malang. Satuan: {unit}.\n\n| Kecamatan | Jumlah ({unit}) |\n| --- | --- |\n"
                          f"{rows}\n| **Kota Malang** | {thousands(sum(v for *_, v in values))} |"),
                "unit": unit, "theme": theme, "frequency": frequency, "keywords": [*keywords, "kota malang"],
                "year": year, "modified": f"{year + 1}-01-{10 + rng.randint(0, 18):02d}T08:00:00",
                "spatial": [code for code, *_ in KECAMATAN],
                "identifier": f"https://data.malangkota.go.id/dataset/{agency}-{name}",
                "landing_page": f"https://{agency.replace('-', '')}.malangkota.go.id/data/{name}",
                "publisher": f"{title} Kota Malang", "email": f"{email}@malangkota.go.id",
                "resources": [{"format": f, "name": f"{topic} {year} ({f})", "mimetype": MEDIA[f],
                               "url": f"https://{agency.replace('-', '')}.malangkota.go.id/files/{name}.{f.lower()}"}
                              for f in formats.split()],
            }


def ckan_package(record: dict, agency: str, title: str) -> dict:
    """A record as a CKAN 2.10 package dict."""
    extras = {"identifier": record["identifier"], "landing_page": record["landing_page"],
              "spatial": ",".join(record["spatial"]), "frequency": record["frequency"], "unit": record["unit"],
              "theme": json.dumps([record["theme"]]), "language": "id",
              "temporal_start": f"{record['year']}-01-01", "temporal_end": f"{record['year']}-12-31"}
    return {
        "id": record["id"], "name": record["name"], "title": record["title"], "notes": record["notes"],
        "type": "dataset", "state": "active", "private": False, "license_id": "cc-by-4.0",
        "maintainer": f"Seksi Data {title}", "maintainer_email": record["email"],
        "metadata_created": record["modified"], "metadata_modified": record["modified"],
        "organization": {"name": agency, "title": f"{title} Kota Malang", "type": "organization"},
        "tags": [{"name": k, "display_name": k, "state": "active"} for k in record["keywords"]],
        "groups": [], "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "resources": [{**r, "position": n, "state": "active"} for n, r in enumerate(record["resources"])],
        "num_resources": len(record["resources"]), "num_tags": len(record["keywords"]),
    }


def datajson_entry(record: dict) -> dict:
    """A record as a DCAT-US 1.1 data.json entry."""
    return {
        "@type": "dcat:Dataset", "identifier": record["identifier"], "title": record["title"],
        "description": record["notes"], "keyword": record["keywords"], "modified": record["modified"],
        "publisher": {"@type": "org:Organization", "name": record["publisher"]},
        "contactPoint": {"@type": "vcard:Contact", "fn": f"Seksi Data {record['publisher']}",
                         "hasEmail": f"mailto:{record['email']}"},
        "accessLevel": "public", "license": LICENSE, "landingPage": record["landing_page"],
        "spatial": ",".join(record["spatial"]), "temporal": f"{record['year']}-01-01/{record['year']}-12-31",
        "accrualPeriodicity": PERIODS[record["frequency"]], "language": ["id"],
        "distribution": [{"@type": "dcat:Distribution", "downloadURL": r["url"], "mediaType": r["mimetype"],
                          "format": r["format"], "title": r["name"]} for r in record["resources"]],
    }


def turtle(records: list[dict], agency: str) -> str:
    """The records as a DCAT-AP catalog in Turtle."""
    from rdflib import RDF, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    eu = "http://publications.europa.eu/resource/authority/"
    graph = Graph()
    graph.bind("dcat", DCAT), graph.bind("dct", DCTERMS), graph.bind("foaf", FOAF), graph.bind("vcard", vcard)
    catalog = URIRef(f"https://data.malangkota.go.id/catalog/{agency}")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"Katalog data {records[0]['publisher']}", lang="id")))
    for record in records:
        node = URIRef(record["identifier"])
        graph.add((catalog, DCAT.dataset, node))
        for predicate, value in ((RDF.type, DCAT.Dataset), (DCTERMS.identifier, Literal(record["identifier"])),
                                 (DCTERMS.title, Literal(record["title"], lang="id")),
                                 (DCTERMS.description, Literal(record["notes"], lang="id")),
                                 (DCTERMS.modified, Literal(record["modified"], datatype=XSD.dateTime)),
                                 (DCAT.landingPage, URIRef(record["landing_page"])),
                                 (DCTERMS.accrualPeriodicity, URIRef(f"{eu}frequency/{record['frequency']}")),
                                 (DCAT.theme, URIRef(f"{eu}data-theme/{record['theme']}")),
                                 (DCTERMS.language, URIRef(f"{eu}language/IND"))):
            graph.add((node, predicate, value))
        for keyword in record["keywords"]:
            graph.add((node, DCAT.keyword, Literal(keyword, lang="id")))
        for code in record["spatial"]:
            graph.add((node, DCTERMS.spatial, URIRef(f"https://data.malangkota.go.id/wilayah/{code}")))
        publisher = URIRef(f"https://data.malangkota.go.id/organization/{agency}")
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((publisher, RDF.type, FOAF.Agent))
        graph.add((publisher, FOAF.name, Literal(record["publisher"])))
        contact = URIRef(f"{record['identifier']}#contact")
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, vcard.Kind))
        graph.add((contact, vcard.fn, Literal(f"Seksi Data {record['publisher']}")))
        graph.add((contact, vcard.hasEmail, URIRef(f"mailto:{record['email']}")))
        for resource in record["resources"]:
            dist = URIRef(f"{record['identifier']}#{resource['format'].lower()}")
            graph.add((node, DCAT.distribution, dist))
            for predicate, value in ((RDF.type, DCAT.Distribution), (DCAT.accessURL, URIRef(resource["url"])),
                                     (DCAT.downloadURL, URIRef(resource["url"])),
                                     (DCTERMS.title, Literal(resource["name"], lang="id")),
                                     (DCTERMS.format, URIRef(f"{eu}file-type/{resource['format']}")),
                                     (DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/"
                                                             f"{resource['mimetype']}")),
                                     (DCTERMS.license, URIRef(LICENSE))):
                graph.add((dist, predicate, value))
    return graph.serialize(format="turtle")


def write(folder: Path = DATA) -> dict[str, int]:
    """Write every agency's document into ``folder``; returns the number of datasets per agency."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for agency, title, kind, email in AGENCIES:
        records = list(datasets(agency, title, email))
        if kind == "ckan":
            text = json.dumps([ckan_package(r, agency, title) for r in records], ensure_ascii=False, indent=1)
            (folder / f"{agency}.ckan.json").write_text(text + "\n", "utf-8")
        elif kind == "datajson":
            document = {"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
                        "@type": "dcat:Catalog", "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
                        "dataset": [datajson_entry(r) for r in records]}
            (folder / f"{agency}.data.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n",
                                                        "utf-8")
        else:
            (folder / f"{agency}.ttl").write_text(turtle(records, agency), "utf-8")
        written[agency] = len(records)
    return written


if __name__ == "__main__":
    counts = write()
    print(f"Wrote {sum(counts.values())} datasets of {len(counts)} agencies to {DATA}")
