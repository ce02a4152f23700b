"""Dataset record -> schema.org ``Dataset`` JSON-LD, what dataset search engines read from a dataset page."""

from catalog.dcat import vocab as v
from catalog.dcat.writer import Site


def schema_org(record: dict, site: Site) -> dict:
    """The schema.org Dataset description of ``record``, ready for json.dumps into a script tag."""
    organization = site.organizations.get(record.get("owner_org"), {})
    publisher = (record.get("publisher") or {}).get("name") or organization.get("title") or record.get("owner_org")
    doc = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": site.dataset_iri(record),
        "name": record["title"],
        "description": record.get("notes") or record["title"],
        "url": f"{site.url}/dataset/{record['name']}",
        "identifier": record.get("identifier") or site.dataset_iri(record),
        "keywords": [t["name"] for t in record.get("tags") or []],
        "inLanguage": record.get("language") or [site.language],
        "isAccessibleForFree": record.get("access_level", "terbuka") == "terbuka",
        "publisher": {"@type": "Organization", "name": publisher},
        "includedInDataCatalog": {"@type": "DataCatalog", "name": site.title, "url": site.url + "/"},
        "distribution": [
            {"@type": "DataDownload", "contentUrl": r.get("download_url") or r["url"],
             **({"encodingFormat": r.get("mimetype") or r["format"]} if r.get("mimetype") or r.get("format") else {}),
             **({"name": r["name"]} if r.get("name") else {})}
            for r in record.get("resources") or []
        ],
    }
    if record.get("license_id"):
        doc["license"] = v.license_iri(record["license_id"], site.url)
    for key, field in (("datePublished", "issued"), ("dateModified", "modified")):
        if record.get(field):
            doc[key] = record[field]
    if record.get("temporal_start") or record.get("temporal_end"):
        doc["temporalCoverage"] = f"{record.get('temporal_start') or '..'}/{record.get('temporal_end') or '..'}"
    if record.get("spatial"):
        doc["spatialCoverage"] = [{"@type": "Place", "name": site.regions.get(c, {}).get("name", c),
                                   "identifier": c} for c in record["spatial"]]
    contact = record.get("contact_point") or {}
    if contact.get("email") or contact.get("phone"):
        doc["creator"] = {"@type": "Organization", "name": publisher, "contactPoint": {
            "@type": "ContactPoint", "contactType": "customer support",
            **{k: contact[f] for k, f in (("email", "email"), ("telephone", "phone"), ("name", "name")) if contact.get(f)}}}
    return {k: value for k, value in doc.items() if value not in (None, [], "")}
