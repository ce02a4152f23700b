"""Namespaces of DCAT-AP 3 and the lookups between the record's codes and controlled-vocabulary IRIs."""

import re
from urllib.parse import quote, unquote

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DCATAP = "http://data.europa.eu/r5r/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPDX = "http://spdx.org/rdf/terms#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
OWL = "http://www.w3.org/2002/07/owl#"
ADMS = "http://www.w3.org/ns/adms#"
LOCN = "http://www.w3.org/ns/locn#"
SCHEMA = "http://schema.org/"

PREFIXES = {
    "dcat": DCAT, "dct": DCT, "dcatap": DCATAP, "foaf": FOAF, "vcard": VCARD, "rdf": RDF, "rdfs": RDFS,
    "skos": SKOS, "xsd": XSD, "spdx": SPDX, "hydra": HYDRA, "adms": ADMS, "locn": LOCN,
}

EU = "http://publications.europa.eu/resource/authority/"
THEME = EU + "data-theme/"
FREQUENCY = EU + "frequency/"
LANGUAGE = EU + "language/"
FILE_TYPE = EU + "file-type/"
ACCESS_RIGHT = EU + "access-right/"
LICENCE = EU + "licence/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
CHECKSUM_ALGORITHM = SPDX + "checksumAlgorithm_"

# The project's own namespaces, under the site's base URL.
REGION_PATH = "/wilayah/"
LICENSE_PATH = "/licenses/"
FORMAT_PATH = "/formats/"

# ISO 639-1 codes to the EU language authority's (ISO 639-3 based) codes.
LANGUAGES = {
    "id": "IND", "en": "ENG", "jv": "JAV", "su": "SUN", "ms": "MSA", "mad": "MAD", "ar": "ARA", "zh": "ZHO",
    "ja": "JPN", "ko": "KOR", "nl": "NLD", "de": "DEU", "fr": "FRA", "es": "SPA", "pt": "POR", "it": "ITA",
    "ru": "RUS", "hi": "HIN", "th": "THA", "vi": "VIE", "tl": "TGL", "ga": "GLE", "pl": "POL", "sv": "SWE",
    "da": "DAN", "fi": "FIN", "el": "ELL", "cs": "CES", "hu": "HUN", "ro": "RON", "bg": "BUL", "hr": "HRV",
    "sk": "SLK", "sl": "SLV", "et": "EST", "lv": "LAV", "lt": "LIT", "mt": "MLT", "no": "NOR", "tr": "TUR",
}
_LANGUAGE_CODES = {v: k for k, v in LANGUAGES.items()}

ACCESS_RIGHTS = {"terbuka": "PUBLIC", "terbatas": "RESTRICTED", "tertutup": "NON_PUBLIC"}
_ACCESS_LEVELS = {v: k for k, v in ACCESS_RIGHTS.items()}

# CKAN licence ids to the EU licence authority; anything else gets an IRI under SITE_URL/licenses/.
LICENSES = {
    "cc-by-4.0": "CC_BY_4_0", "cc-by": "CC_BY_4_0", "cc-by-sa-4.0": "CC_BY_SA_4_0", "cc-by-sa": "CC_BY_SA_4_0",
    "cc-by-nc-4.0": "CC_BY_NC_4_0", "cc-by-nd-4.0": "CC_BY_ND_4_0", "cc-zero": "CC0", "cc0-1.0": "CC0",
    "odc-odbl": "ODC_BL", "odc-by": "ODC_BY", "odc-pddl": "ODC_PDDL", "gpl-3.0": "GPL_3_0", "ogl-uk-3.0": "OGL_3_0",
}
_LICENSE_IDS = {v: k for k, v in LICENSES.items() if k not in {"cc-by", "cc-by-sa", "cc-zero"}}

# Format labels to EU file-type codes; one label per code, so that a label survives a round trip.
FORMATS = {
    "CSV": "CSV", "XLSX": "XLSX", "XLS": "XLS", "PDF": "PDF", "JSON": "JSON", "XML": "XML", "SHP": "SHP",
    "GEOJSON": "GEOJSON", "ZIP": "ZIP", "KML": "KML", "KMZ": "KMZ", "DOCX": "DOCX", "DOC": "DOC", "ODS": "ODS",
    "ODT": "ODT", "TXT": "TXT", "HTML": "HTML", "RDF": "RDF", "RDF/XML": "RDF_XML",
    "TURTLE": "RDF_TURTLE", "JSON-LD": "JSON_LD", "JPEG": "JPEG", "PNG": "PNG", "TIFF": "TIFF",
    "GPKG": "GPKG", "PPTX": "PPTX", "WMS": "WMS_SRVC", "WFS": "WFS_SRVC", "GML": "GML",
    "PARQUET": "PARQUET", "SQL": "SQL", "TSV": "TSV", "RSS": "RSS", "ATOM": "ATOM",
}
_FORMAT_LABELS = {v: k for k, v in FORMATS.items()}

# ISO 8601 repeating durations (DCAT-US accrualPeriodicity) and Dublin Core frequencies to EU codes.
FREQUENCY_ALIASES = {
    "R/PT1H": "HOURLY", "R/P1D": "DAILY", "R/P1W": "WEEKLY", "R/P2W": "BIWEEKLY", "R/P1M": "MONTHLY",
    "R/P3M": "QUARTERLY", "R/P4M": "ANNUAL_3", "R/P6M": "ANNUAL_2", "R/P1Y": "ANNUAL", "R/P2Y": "BIENNIAL",
    "R/P3Y": "TRIENNIAL", "R/P5Y": "QUINQUENNIAL", "IRREGULAR": "IRREG",
    "http://purl.org/cld/freq/daily": "DAILY", "http://purl.org/cld/freq/weekly": "WEEKLY",
    "http://purl.org/cld/freq/monthly": "MONTHLY", "http://purl.org/cld/freq/quarterly": "QUARTERLY",
    "http://purl.org/cld/freq/annual": "ANNUAL", "http://purl.org/cld/freq/irregular": "IRREG",
    "http://purl.org/cld/freq/continuous": "CONT", "http://purl.org/cld/freq/biennial": "BIENNIAL",
}
FREQUENCIES = {"CONT", "HOURLY", "DAILY", "WEEKLY", "BIWEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL_3", "ANNUAL_2",
               "ANNUAL", "BIENNIAL", "TRIENNIAL", "QUINQUENNIAL", "IRREG", "NEVER", "UNKNOWN"}
THEMES = {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"}

CHECKSUM_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def tail(iri: str, namespace: str) -> str | None:
    """The part of ``iri`` after ``namespace``, or None when it is not in that namespace."""
    if iri.startswith(namespace) and len(iri) > len(namespace):
        return iri[len(namespace):]
    if namespace.startswith("http://") and iri.startswith("https://" + namespace[7:]):
        return iri[len(namespace) + 1:] or None
    return None


def language_iri(code: str) -> str | None:
    """The EU language IRI for an ISO 639 code, or None when the code is unknown."""
    if code in LANGUAGES:
        return LANGUAGE + LANGUAGES[code]
    if len(code) == 3:
        return LANGUAGE + code.upper()
    return None


def language_code(value: str) -> str | None:
    """The record's language code for an EU language IRI or a bare code ("en", "IND"), or None."""
    code = tail(value, LANGUAGE) or value.rsplit("/", 1)[-1]
    if code.upper() in _LANGUAGE_CODES:
        return _LANGUAGE_CODES[code.upper()]
    code = code.lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def license_iri(license_id: str, site_url: str) -> str:
    """The licence IRI of a CKAN licence id: the EU licence authority's, else one under the site."""
    if license_id.lower() in LICENSES:
        return LICENCE + LICENSES[license_id.lower()]
    return site_url + LICENSE_PATH + quote(license_id)


def license_id(iri: str) -> str | None:
    """The CKAN licence id of a licence IRI this catalog (or another running it) publishes, or None."""
    code = tail(iri, LICENCE)
    if code in _LICENSE_IDS:
        return _LICENSE_IDS[code]
    if LICENSE_PATH in iri:
        candidate = unquote(iri.rsplit(LICENSE_PATH, 1)[1])
        if re.fullmatch(r"[A-Za-z0-9._+-]{1,100}", candidate):
            return candidate
    return None


def format_iri(label: str, site_url: str) -> str:
    """The IRI of a format label: the EU file-type authority's when known, else one under the site."""
    key = label.strip().upper()
    if key in FORMATS:
        return FILE_TYPE + FORMATS[key]
    return site_url + FORMAT_PATH + quote(label.strip(), safe="")


def format_label(iri: str) -> str | None:
    """The format label of a file-type IRI, an IANA media-type IRI's subtype, or an IRI under /formats/."""
    code = tail(iri, FILE_TYPE)
    if code:
        return _FORMAT_LABELS.get(code, code)
    if FORMAT_PATH in iri:
        return unquote(iri.rsplit(FORMAT_PATH, 1)[1]) or None
    return None


def media_type_iri(mimetype: str) -> str:
    """The IANA registry IRI of a media type."""
    return IANA_MEDIA + mimetype


def media_type(value: str) -> str | None:
    """The media type named by an IANA IRI or a bare "type/subtype", or None."""
    candidate = value.split("media-types/", 1)[1] if "media-types/" in value else value
    return candidate if re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+", candidate) else None


def frequency_code(value: str) -> str | None:
    """The EU frequency code of an EU frequency IRI, an ISO 8601 repeating duration or a Dublin Core frequency."""
    code = tail(value, FREQUENCY)
    if code in FREQUENCIES:
        return code
    return FREQUENCY_ALIASES.get(value) or FREQUENCY_ALIASES.get(value.upper())


def theme_code(value: str) -> str | None:
    """The EU data-theme code of a data-theme IRI, or None."""
    code = tail(value, THEME)
    return code if code in THEMES else None


def access_level(value: str) -> str | None:
    """The record's access level for an EU access-right IRI, or None."""
    return _ACCESS_LEVELS.get(tail(value, ACCESS_RIGHT) or "")


def region_iri(code: str, site_url: str) -> str:
    """The stable IRI minted for a Kemendagri region code."""
    return site_url + REGION_PATH + code


def checksum_parts(value: str) -> tuple[str, str] | None:
    """(algorithm, hex digest) of a checksum written ALGORITHM:HEX or as a bare digest, or None."""
    algorithm, _, digest = value.rpartition(":")
    algorithm = algorithm.lower().replace("-", "") or CHECKSUM_LENGTHS.get(len(digest), "")
    if not algorithm or not _HEX.match(digest):
        return None
    return algorithm, digest.lower()


def tel_iri(phone: str) -> str:
    """A tel: IRI for a telephone number as written (spaces percent-encoded)."""
    return "tel:" + quote(phone, safe="+()-./")


def from_tel(value: str) -> str:
    """The telephone number of a tel: IRI (or the value itself)."""
    return unquote(value[4:]) if value.startswith("tel:") else value
