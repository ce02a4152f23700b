"""The sitemap and the Atom feed of recently changed datasets, built with ElementTree (text is escaped)."""

from xml.etree.ElementTree import Element, SubElement, tostring

from catalog.dcat.writer import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _stamp(record: dict) -> str:
    value = record.get("metadata_modified") or record.get("modified") or "1970-01-01T00:00:00"
    return value[:19] + "Z" if "T" in value else value + "T00:00:00Z"


def sitemap(records, site: Site) -> bytes:
    """A sitemap listing the home page and every published dataset's page."""
    root = Element("urlset", xmlns=SITEMAP)
    home = SubElement(root, "url")
    SubElement(home, "loc").text = site.url + "/"
    for record in records:
        url = SubElement(root, "url")
        SubElement(url, "loc").text = f"{site.url}/dataset/{record['name']}"
        SubElement(url, "lastmod").text = _stamp(record)[:10]
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def atom(records: list[dict], site: Site, feed_url: str, title: str) -> bytes:
    """An Atom feed with one entry per dataset, newest change first."""
    root = Element("feed", xmlns=ATOM)
    SubElement(root, "title").text = title
    SubElement(root, "id").text = feed_url
    SubElement(root, "link", rel="self", href=feed_url)
    SubElement(root, "link", href=site.url + "/")
    SubElement(root, "updated").text = _stamp(records[0]) if records else "1970-01-01T00:00:00Z"
    SubElement(SubElement(root, "author"), "name").text = site.title
    for record in records:
        entry = SubElement(root, "entry")
        SubElement(entry, "title").text = record["title"]
        SubElement(entry, "id").text = site.dataset_iri(record)
        SubElement(entry, "link", href=f"{site.url}/dataset/{record['name']}")
        SubElement(entry, "updated").text = _stamp(record)
        if record.get("notes"):
            SubElement(entry, "summary").text = record["notes"][:1000]
        SubElement(entry, "category", term=record.get("owner_org", ""))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")
