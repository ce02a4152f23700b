"""The licences CKAN sites offer by default, plus the version-4.0 Creative Commons ones Indonesian portals use."""

# (id, title, url, open?)
_LICENSES = [
    ("cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", True),
    ("cc-by-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/", True),
    ("cc-by-sa", "Creative Commons Attribution Share-Alike", "http://www.opendefinition.org/licenses/cc-by-sa", True),
    ("cc-by-sa-4.0", "Creative Commons Attribution Share-Alike 4.0",
     "https://creativecommons.org/licenses/by-sa/4.0/", True),
    ("cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero", True),
    ("cc-nc", "Creative Commons Non-Commercial (Any)", "http://creativecommons.org/licenses/by-nc/2.0/", False),
    ("gfdl", "GNU Free Documentation License", "http://www.opendefinition.org/licenses/gfdl", True),
    ("notspecified", "License not specified", "", False),
    ("odc-by", "Open Data Commons Attribution License", "http://www.opendefinition.org/licenses/odc-by", True),
    ("odc-odbl", "Open Data Commons Open Database License (ODbL)",
     "http://www.opendefinition.org/licenses/odc-odbl", True),
    ("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)",
     "http://www.opendefinition.org/licenses/odc-pddl", True),
    ("other-at", "Other (Attribution)", "", True),
    ("other-closed", "Other (Not Open)", "", False),
    ("other-nc", "Other (Non-Commercial)", "", False),
    ("other-open", "Other (Open)", "", True),
    ("other-pd", "Other (Public Domain)", "", True),
]

LICENSES = {
    license_id: {
        "id": license_id, "title": title, "url": url, "status": "active", "maintainer": "", "family": "",
        "od_conformance": "approved" if is_open else "not reviewed", "osd_conformance": "not reviewed",
        "domain_content": True, "domain_data": True, "domain_software": False,
        "is_okd_compliant": is_open, "is_osi_compliant": False, "is_generic": license_id.startswith("other"),
    }
    for license_id, title, url, is_open in _LICENSES
}


def title(license_id: str | None) -> str | None:
    """The licence's title, or its id when the licence is not in the list."""
    return LICENSES[license_id]["title"] if license_id in LICENSES else license_id


def is_open(license_id: str | None) -> bool:
    """True for a licence that meets the Open Definition."""
    return license_id in LICENSES and LICENSES[license_id]["is_okd_compliant"]


def url(license_id: str | None) -> str | None:
    """The licence's web page, when the list knows one."""
    return (LICENSES.get(license_id) or {}).get("url") or None
