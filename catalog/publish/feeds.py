"""The sitemap and the Atom feed of recently updated datasets, built with ElementTree (text is escaped).

The sitemap's ``lastmod`` is when the catalog last changed the page's record; the feed's ``updated`` is
the publisher's own ``modified`` date (the record time only for a dataset without one), and
``published`` its ``issued`` date.
"""

import datetime as dt
from xml.etree.ElementTree import Element, SubElement, tostring

from catalog.dcat.writer import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _stamp(value: str | None) -> str:
    """An Atom date-time (UTC) for an ISO date or date-time; a date counts from midnight UTC, no offset means UTC."""
    moment = dt.datetime.fromisoformat((value or "1970-01-01").replace("Z", "+00:00"))
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def updated(record: dict) -> str:
    """When the data last changed: the publisher's ``modified``, else the catalog's record time."""
    return _stamp(record.get("modified") or record.get("metadata_modified"))


def sitemap(records, site: Site) -> bytes:
    """A sitemap listing the home page and every published dataset's page."""
    root = Element("urlset", xmlns=SITEMAP)
    home = SubElement(root, "url")
    SubElement(home, "loc").text = site.url + "/"
    for record in records:
        url = SubElement(root, "url")
        SubElement(url, "loc").text = f"{site.url}/dataset/{record['name']}"
        SubElement(url, "lastmod").text = _stamp(record.get("metadata_modified"))[:10]
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def atom(records: list[dict], site: Site, feed_url: str, title: str) -> bytes:
    """An Atom feed with one entry per dataset, newest change first."""
    root = Element("feed", xmlns=ATOM)
    SubElement(root, "title").text = title
    SubElement(root, "id").text = feed_url
    SubElement(root, "link", rel="self", href=feed_url)
    SubElement(root, "link", href=site.url + "/")
    SubElement(root, "updated").text = max(updated(r) for r in records) if records else _stamp(None)
    SubElement(SubElement(root, "author"), "name").text = site.title
    for record in records:
        entry = SubElement(root, "entry")
        SubElement(entry, "title").text = record["title"]
        SubElement(entry, "id").text = site.dataset_iri(record)
        SubElement(entry, "link", href=f"{site.url}/dataset/{record['name']}")
        SubElement(entry, "updated").text = updated(record)
        if record.get("issued"):
            SubElement(entry, "published").text = _stamp(record["issued"])
        if record.get("notes"):
            SubElement(entry, "summary").text = record["notes"][:1000]
        SubElement(entry, "category", term=record.get("owner_org", ""))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")
