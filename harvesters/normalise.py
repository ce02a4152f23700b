"""Tolerant reading of the values harvested records carry: one normaliser for every harvester. Pure.

Each reader takes what a source wrote and returns the catalog's value, or None when it cannot tell:

    frequency(value)    EU frequency IRIs and codes, CKAN / Dublin Core / DCAT-US words, ISO 8601
                        repeating durations (R/P1Y), Indonesian labels (Tahunan, Triwulanan, ...)
    theme(value)        EU data-theme IRIs, codes and labels (English, Indonesian, French)
    licence(value)      licence IRIs, SPDX ids, CKAN ids and common titles (HTML fragments read as text)
    file_format(value)  a format label from an extension, a media type, an IANA or EU file-type IRI
    media_type(value)   an IANA media type from a media type, its IANA IRI, or a known extension
    language(value)     ISO 639 codes from EU language IRIs, ISO 639-1/2/3 codes, locales and names
    date(value)         ISO dates and date-times (with or without zone, with a space), 01/03/2024
                        (day first), month names in Indonesian, English and French, weekday prefixes
    text(value)         HTML converted to Markdown (sanitised first); other text unchanged

``Findings`` gathers, for one record, what could not be mapped: each such value is kept as an extra
and named in a warning (``{"path", "message"}``), with the same message for the same problem and
value so that a job report can group them. ``finish`` applies the rules every harvester shares:
only an identifier, a title and a resource with a usable URL are required; a field the schema
refuses is kept as an extra with a warning; text that cannot be stored is left for the schema check
to refuse by path.
"""

import datetime as dt
import html
import json
import re
import unicodedata
from functools import cache
from urllib.parse import quote, urlsplit

import nh3
from markdownify import markdownify

from catalog import schemas
from catalog.dcat import vocab as v
from harvesters import RecordError

MAX_SHOWN = 100  # characters of a value quoted in a warning


def _key(value) -> str:
    """A lookup key: lower case, accents dropped, punctuation and runs of space as one space."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode() or str(value)
    return " ".join(re.sub(r"[\s_\-,.;:()/]+", " ", text.lower()).split())


def _iri_key(value: str) -> str:
    """An IRI without scheme, ``www.``, trailing slash or fragment, lower case: how licence pages are matched."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).removeprefix("www.")
    return text.split("#", 1)[0].rstrip("/").removesuffix("/legalcode").removesuffix(".html")


def _tail(value: str, namespace: str) -> str | None:
    return v.tail(value.strip(), namespace)


# -- frequency -----------------------------------------------------------------------------------

def _schema_titles(name: str) -> dict[str, str]:
    """{code: Indonesian title} of a coded field in metadata_schemas/defs.json."""
    return {choice["const"]: choice["title"] for choice in schemas.load("defs")["$defs"][name]["oneOf"]}


FREQUENCY_WORDS = {
    # CKAN, Dublin Core (purl.org/cld/freq/…) and DCAT-US words
    "continuous": "CONT", "continual": "CONT", "continuously": "CONT", "real time": "CONT", "realtime": "CONT",
    "hourly": "HOURLY", "daily": "DAILY", "day": "DAILY", "weekly": "WEEKLY", "week": "WEEKLY",
    "biweekly": "BIWEEKLY", "fortnightly": "BIWEEKLY", "monthly": "MONTHLY", "month": "MONTHLY",
    "quarterly": "QUARTERLY", "quarter": "QUARTERLY", "three times a year": "ANNUAL_3", "threetimesayear": "ANNUAL_3",
    "semiannual": "ANNUAL_2", "semi annual": "ANNUAL_2", "semiannually": "ANNUAL_2", "biannual": "ANNUAL_2",
    "biannually": "ANNUAL_2", "half yearly": "ANNUAL_2", "annual": "ANNUAL", "annually": "ANNUAL", "yearly": "ANNUAL",
    "year": "ANNUAL", "biennial": "BIENNIAL", "biennially": "BIENNIAL", "triennial": "TRIENNIAL",
    "quinquennial": "QUINQUENNIAL", "irregular": "IRREG", "irregularly": "IRREG", "as needed": "IRREG",
    "eventual": "IRREG", "never": "NEVER", "not updated": "NEVER", "unknown": "UNKNOWN", "not planned": "NEVER",
    # Indonesian (Satu Data labels come from the schema; these are the other ways agencies write them)
    "tahunan": "ANNUAL", "setiap tahun": "ANNUAL", "per tahun": "ANNUAL", "sekali setahun": "ANNUAL",
    "satu tahun sekali": "ANNUAL", "1 tahun sekali": "ANNUAL", "setahun sekali": "ANNUAL", "tahun": "ANNUAL",
    "bulanan": "MONTHLY", "setiap bulan": "MONTHLY", "per bulan": "MONTHLY", "harian": "DAILY",
    "setiap hari": "DAILY", "per hari": "DAILY", "mingguan": "WEEKLY", "setiap minggu": "WEEKLY",
    "per minggu": "WEEKLY", "dua mingguan": "BIWEEKLY", "2 mingguan": "BIWEEKLY", "triwulanan": "QUARTERLY",
    "triwulan": "QUARTERLY", "per triwulan": "QUARTERLY", "caturwulanan": "ANNUAL_3", "caturwulan": "ANNUAL_3",
    "semesteran": "ANNUAL_2", "semester": "ANNUAL_2", "per semester": "ANNUAL_2", "enam bulanan": "ANNUAL_2",
    "dua tahunan": "BIENNIAL", "2 tahunan": "BIENNIAL", "tiga tahunan": "TRIENNIAL", "3 tahunan": "TRIENNIAL",
    "lima tahunan": "QUINQUENNIAL", "5 tahunan": "QUINQUENNIAL", "tidak teratur": "IRREG",
    "tidak tentu": "IRREG", "insidentil": "IRREG", "insidental": "IRREG", "sewaktu waktu": "IRREG",
    "terus menerus": "CONT", "per jam": "HOURLY", "setiap jam": "HOURLY", "tidak diperbarui": "NEVER",
    "tidak diketahui": "UNKNOWN",
    # French and Chinese labels seen in real catalogues
    "annuelle": "ANNUAL", "annuel": "ANNUAL", "mensuelle": "MONTHLY", "mensuel": "MONTHLY",
    "quotidienne": "DAILY", "quotidien": "DAILY", "hebdomadaire": "WEEKLY", "trimestrielle": "QUARTERLY",
    "trimestriel": "QUARTERLY", "semestrielle": "ANNUAL_2", "semestriel": "ANNUAL_2", "irreguliere": "IRREG",
    "en continu": "CONT", "每年": "ANNUAL", "每月": "MONTHLY", "每周": "WEEKLY", "每天": "DAILY", "每日": "DAILY",
    "天天": "DAILY", "每季度": "QUARTERLY",
}
# ISO 8601 repeating durations as DCAT-US 1.1 lists them (R/P1Y ...), without the "R/".
DURATIONS = {
    "PT1H": "HOURLY", "P1D": "DAILY", "P1W": "WEEKLY", "P7D": "WEEKLY", "P2W": "BIWEEKLY", "P14D": "BIWEEKLY",
    "P1M": "MONTHLY", "P3M": "QUARTERLY", "P4M": "ANNUAL_3", "P6M": "ANNUAL_2", "P1Y": "ANNUAL", "P12M": "ANNUAL",
    "P2Y": "BIENNIAL", "P3Y": "TRIENNIAL", "P5Y": "QUINQUENNIAL",
}


@cache
def _frequencies() -> dict[str, str]:
    table = {_key(word): code for word, code in FREQUENCY_WORDS.items()}
    for code, title in _schema_titles("frequency").items():
        table.setdefault(_key(title), code)
        table.setdefault(_key(code), code)
    return table


def frequency(value) -> str | None:
    """The EU frequency code of what a source wrote as its update frequency, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    codes = _schema_titles("frequency")
    code = _tail(text, v.FREQUENCY)
    if code is not None:
        return code if code in codes else None
    dublin_core = _tail(text, "http://purl.org/cld/freq/")
    if dublin_core is not None:
        text = dublin_core
    duration = re.fullmatch(r"R\d*/(P.+)", text.upper())
    if duration:
        return DURATIONS.get(duration.group(1))
    if text.upper() in DURATIONS:
        return DURATIONS[text.upper()]
    return _frequencies().get(_key(text))


# -- theme ---------------------------------------------------------------------------------------

THEME_LABELS = {
    "AGRI": ("Agriculture, fisheries, forestry and food", "Agriculture", "Pertanian", "Agriculture, pêche, "
             "sylviculture et alimentation"),
    "ECON": ("Economy and finance", "Economy", "Ekonomi", "Économie et finances", "Economie"),
    "EDUC": ("Education, culture and sport", "Education", "Pendidikan", "Éducation, culture et sport"),
    "ENER": ("Energy", "Energi", "Énergie"),
    "ENVI": ("Environment", "Lingkungan", "Lingkungan hidup", "Environnement"),
    "GOVE": ("Government and public sector", "Government", "Pemerintahan", "Gouvernement et secteur public"),
    "HEAL": ("Health", "Kesehatan", "Santé"),
    "INTR": ("International issues", "Questions internationales"),
    "JUST": ("Justice, legal system and public safety", "Justice", "Hukum", "Justice, système juridique et "
             "sécurité publique"),
    "REGI": ("Regions and cities", "Régions et villes"),
    "SOCI": ("Population and society", "Population", "Kependudukan", "Population et société"),
    "TECH": ("Science and technology", "Sains dan teknologi", "Science et technologie"),
    "TRAN": ("Transport", "Transportasi", "Transports", "Perhubungan"),
}


@cache
def _themes() -> dict[str, str]:
    table = {}
    for code, title in _schema_titles("theme").items():
        table[_key(code)] = code
        table[_key(title)] = code
    for code, labels in THEME_LABELS.items():
        for label in labels:
            table.setdefault(_key(label), code)
    return table


def theme(value) -> str | None:
    """The EU data-theme code of a data-theme IRI, a code or a label, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    code = _tail(value, v.THEME)
    if code is not None:
        return code.upper() if code.upper() in _schema_titles("theme") else None
    return _themes().get(_key(value))


# -- licence -------------------------------------------------------------------------------------

# Licence pages (matched without scheme, www. or trailing slash), SPDX ids, CKAN ids and titles.
LICENCES = {
    "cc-by-4.0": ("creativecommons.org/licenses/by/4.0", "CC-BY-4.0", "CC BY 4.0", "CC-BY 4.0",
                  "Creative Commons Attribution 4.0", "Creative Commons Attribution 4.0 International",
                  "Creative Commons Atribusi 4.0", "Creative Commons Attribution 4.0 International (CC BY 4.0)"),
    "cc-by": ("creativecommons.org/licenses/by/3.0", "creativecommons.org/licenses/by/2.0", "CC-BY-3.0",
              "opendefinition.org/licenses/cc-by", "Creative Commons Attribution", "CC BY", "CC-BY"),
    "cc-by-sa-4.0": ("creativecommons.org/licenses/by-sa/4.0", "CC-BY-SA-4.0", "CC BY-SA 4.0",
                     "Creative Commons Attribution Share-Alike 4.0", "Creative Commons Attribution-ShareAlike 4.0"),
    "cc-by-sa": ("creativecommons.org/licenses/by-sa/3.0", "CC-BY-SA-3.0", "opendefinition.org/licenses/cc-by-sa",
                 "Creative Commons Attribution Share-Alike", "CC BY-SA"),
    "cc-by-nc-4.0": ("creativecommons.org/licenses/by-nc/4.0", "CC-BY-NC-4.0", "CC BY-NC 4.0"),
    "cc-by-nd-4.0": ("creativecommons.org/licenses/by-nd/4.0", "CC-BY-ND-4.0", "CC BY-ND 4.0"),
    "cc-nc": ("creativecommons.org/licenses/by-nc/2.0", "creativecommons.org/licenses/by-nc/3.0",
              "Creative Commons Non-Commercial (Any)"),
    "cc-zero": ("creativecommons.org/publicdomain/zero/1.0", "CC0-1.0", "CC0", "CC0 1.0", "cc0",
                "opendefinition.org/licenses/cc-zero", "Creative Commons CCZero", "Public Domain Dedication (CC0)"),
    "odc-odbl": ("opendatacommons.org/licenses/odbl", "opendatacommons.org/licenses/odbl/1.0",
                 "opendatacommons.org/licenses/odbl/1-0", "opendatacommons.org/licenses/odbl/summary", "ODbL-1.0",
                 "ODbL", "opendefinition.org/licenses/odc-odbl", "Open Data Commons Open Database License (ODbL)",
                 "Open Data Commons Open Database License"),
    "odc-by": ("opendatacommons.org/licenses/by", "opendatacommons.org/licenses/by/1.0",
               "opendatacommons.org/licenses/by/1-0", "ODC-By-1.0", "opendefinition.org/licenses/odc-by",
               "Open Data Commons Attribution License"),
    "odc-pddl": ("opendatacommons.org/licenses/pddl", "opendatacommons.org/licenses/pddl/1.0",
                 "opendatacommons.org/licenses/pddl/1-0", "PDDL-1.0", "opendefinition.org/licenses/odc-pddl",
                 "Open Data Commons Public Domain Dedication and License (PDDL)"),
    "gfdl": ("GFDL-1.3", "GFDL-1.3-only", "opendefinition.org/licenses/gfdl", "GNU Free Documentation License"),
    "etalab-2.0": ("etalab.gouv.fr/licence-ouverte-open-licence", "Etalab-2.0", "Licence Ouverte v2.0",
                   "Licence Ouverte / Open Licence version 2.0", "Open Licence 2.0"),
    "etalab-1.0": ("etalab.gouv.fr/pages/licence_ouverte_open_licence-5899923",
                   "etalab.gouv.fr/wp-content/uploads/2014/05/licence_ouverte.pdf", "Licence Ouverte v1.0"),
    "ogl-uk-3.0": ("nationalarchives.gov.uk/doc/open-government-licence/version/3", "OGL-UK-3.0"),
    "other-open": ("Other (Open)", "Licence Ouverte / Open Licence", "Licence Ouverte", "Open Licence"),
    "other-pd": ("Other (Public Domain)", "creativecommons.org/publicdomain/mark/1.0", "Public Domain",
                 "us public domain"),
    "other-at": ("Other (Attribution)",),
    "other-nc": ("Other (Non-Commercial)",),
    "other-closed": ("Other (Not Open)",),
    "notspecified": ("License not specified", "License Not Specified", "Licence non spécifiée",
                     "project-open-data.cio.gov/unknown-license", "Lisensi tidak ditentukan"),
}


@cache
def _licences() -> dict[str, str]:
    table = {}
    for licence_id, names in LICENCES.items():
        table[_key(licence_id)] = licence_id
        for name in names:
            table[_iri_key(name) if "/" in name and " " not in name else _key(name)] = licence_id
    return table


def licence(value) -> str | None:
    """The CKAN licence id of a licence IRI, SPDX id, CKAN id or title (an HTML fragment is read as text)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = text_of(value).strip()
    table = _licences()
    spdx = re.fullmatch(r"https?://spdx\.org/licenses/([A-Za-z0-9.+-]+?)(\.html)?/?", text)
    candidates = [spdx.group(1)] if spdx else []
    candidates += [text] + re.findall(r"https?://[^\s<>\"')]+", text)
    for candidate in candidates:
        key = _iri_key(candidate) if re.match(r"^[a-z]+://", candidate, re.I) else _key(candidate)
        if key in table:
            return table[key]
    if "://" in text and not spdx:
        return v.license_id(text)
    return None


# -- formats and media types ---------------------------------------------------------------------

MEDIA_TYPES = {
    "text/csv": "CSV", "application/csv": "CSV", "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX", "application/pdf": "PDF",
    "application/json": "JSON", "application/xml": "XML", "text/xml": "XML", "application/zip": "ZIP",
    "application/x-zip-compressed": "ZIP", "application/vnd.geo+json": "GEOJSON", "application/geo+json": "GEOJSON",
    "application/vnd.google-earth.kml+xml": "KML", "application/vnd.google-earth.kmz": "KMZ", "text/html": "HTML",
    "text/plain": "TXT", "application/rdf+xml": "RDF/XML", "text/turtle": "TURTLE", "application/ld+json": "JSON-LD",
    "image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF", "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS", "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/geopackage+sqlite3": "GPKG", "text/tab-separated-values": "TSV", "application/rss+xml": "RSS",
    "application/atom+xml": "ATOM", "application/vnd.apache.parquet": "PARQUET", "application/sql": "SQL",
    "application/gml+xml": "GML", "application/x-shapefile": "SHP", "application/x-netcdf": "NETCDF",
}
_EXTENSION_TYPES = {label: media for media, label in reversed(MEDIA_TYPES.items())}
FORMAT_WORDS = {
    "excel": "XLS", "xls": "XLS", "xlsx": "XLSX", "csv": "CSV", "shapefile": "SHP", "esri shapefile": "SHP",
    "shp": "SHP", "geojson": "GEOJSON", "json": "JSON", "web page": "HTML", "webpage": "HTML", "html": "HTML",
    "htm": "HTML", "text": "TXT", "txt": "TXT", "jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF",
    "rdf xml": "RDF/XML", "ttl": "TURTLE", "turtle": "TURTLE", "json ld": "JSON-LD", "jsonld": "JSON-LD",
    "netcdf": "NETCDF", "netcdf4": "NETCDF", "nc": "NETCDF", "gpkg": "GPKG", "geopackage": "GPKG",
}
_LABEL = re.compile(r"^[A-Za-z0-9.+_ /-]{1,50}$")
_MEDIA = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$")


def media_type(value) -> str | None:
    """The IANA media type named by a media type, its IANA IRI or a known extension, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    text = text.split("media-types/", 1)[1] if "media-types/" in text else text
    text = text.split(";", 1)[0].strip()
    if _MEDIA.match(text.lower()):
        return text.lower()
    label = file_format(text)
    return _EXTENSION_TYPES.get(label) if label else None


def file_format(value) -> str | None:
    """A format label (CSV, XLSX, …) from an extension, a media type, or an IANA or EU file-type IRI, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    code = _tail(text, v.FILE_TYPE)
    if code is not None:
        return v.format_label(v.FILE_TYPE + code)
    if "media-types/" in text:
        text = text.split("media-types/", 1)[1]
    if _MEDIA.match(text.lower()):
        return MEDIA_TYPES.get(text.lower()) or text.rsplit("/", 1)[1].removeprefix("x-").upper()[:50]
    text = text.lstrip(".")
    word = FORMAT_WORDS.get(_key(text))
    if word:
        return word
    if re.fullmatch(r"[A-Za-z0-9]{1,5}", text):
        return text.upper()
    return text if _LABEL.match(text) else None


# -- language ------------------------------------------------------------------------------------

# ISO 639-2/B codes (and the EU authority's non-standard ones seen in feeds) to ISO 639-1.
BIBLIOGRAPHIC = {
    "fre": "fr", "ger": "de", "dut": "nl", "chi": "zh", "cze": "cs", "gre": "el", "rum": "ro", "slo": "sk",
    "ice": "is", "alb": "sq", "arm": "hy", "baq": "eu", "bur": "my", "geo": "ka", "mac": "mk", "mao": "mi",
    "may": "ms", "per": "fa", "tib": "bo", "wel": "cy", "nob": "nb", "nno": "nn",
}
LANGUAGE_NAMES = {
    "indonesia": "id", "bahasa indonesia": "id", "indonesian": "id", "english": "en", "inggris": "en",
    "bahasa inggris": "en", "jawa": "jv", "javanese": "jv", "bahasa jawa": "jv", "madura": "mad",
    "french": "fr", "francais": "fr", "german": "de", "deutsch": "de", "dutch": "nl", "nederlands": "nl",
    "spanish": "es", "espanol": "es", "italian": "it", "italiano": "it", "norwegian": "no", "norsk": "no",
}


def language(value) -> str | None:
    """The ISO 639 code (two letters where one exists) of an EU language IRI, a code, a locale or a name."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    code = _tail(text, v.LANGUAGE)
    if code is None and "://" in text:
        code = text.rstrip("/").rsplit("/", 1)[-1]
    code = (code or text).strip()
    if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", code):
        base = code.replace("_", "-").split("-", 1)[0]
        found = v.language_code(base)
        if found:
            return BIBLIOGRAPHIC.get(found, found)
    return LANGUAGE_NAMES.get(_key(text))


# -- dates ---------------------------------------------------------------------------------------

MONTHS = {
    # Indonesian, English and French month names and their usual abbreviations
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
    "agu": 8, "agt": 8, "ags": 8, "okt": 10, "des": 12, "peb": 2,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
    "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "decembre": 12, "janv": 1, "fevr": 2, "avr": 4, "juil": 7,
}
# Words that may surround a date without changing it: weekdays (Indonesian, English, French) and labels.
NOISE = {
    "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar", "mer", "jeu", "ven", "sam",
    "dim", "date", "changed", "modified", "le", "a", "at", "pukul", "jam", "tanggal", "tgl", "updated", "on",
}
ZONES = {"wib": "+07:00", "wita": "+08:00", "wit": "+09:00", "utc": "+00:00", "gmt": "+00:00"}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                  r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$", re.I)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_NAMED = re.compile(r"(?<!\w)(\d{1,2})(?:er)?\s+([^\W\d_]+)\.?,?\s+(\d{4})(?!\d)")
_NAMED_US = re.compile(r"(?<!\w)([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?!\d)")


def date(value) -> str | None:
    """An ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ss[±hh:mm]) for what a source wrote, or None.

    Numeric dates are read day first (01/03/2024 is 1 March), as Indonesia and France write them,
    unless only month first makes sense (12/31/2024)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = " ".join(value.split())
    iso = _ISO.match(text)
    if iso:
        return _iso(text, iso)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return _checked(int(text[:4]), int(text[5:]), 1)
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01"
    return _local(text)


def _iso(text: str, match) -> str | None:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if hour is None:
        return _checked(int(year), int(month), int(day))
    if zone and zone.upper() != "Z" and re.fullmatch(r"[+-]\d{4}", zone):
        zone = f"{zone[:3]}:{zone[3:]}"
    elif zone and re.fullmatch(r"[+-]\d{2}", zone):
        zone += ":00"
    stamp = f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}{fraction or ''}{zone or ''}"
    try:
        parsed = dt.datetime.fromisoformat(stamp.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.isoformat()


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _local(text: str) -> str | None:
    """Dates written the local way: 01/03/2024, 1 Maret 2024, March 1, 2024, 'mar, 10/12/2019 - 09:23'."""
    lowered = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    day = month = year = None
    for pattern, order in ((_NUMERIC, "dmy"), (_NAMED, "dMy"), (_NAMED_US, "Mdy")):
        found = pattern.search(lowered)
        if not found:
            continue
        parts = dict(zip(order, found.groups()))
        if "M" in parts:
            month = MONTHS.get(parts["M"].rstrip("."))
            if month is None:
                continue
        else:
            first, second = int(parts["d"]), int(parts["m"])
            day, month = (second, first) if first <= 12 < second else (first, second)
        day = day or int(parts["d"])
        year = int(parts["y"])
        rest = lowered[:found.start()] + " " + lowered[found.end():]
        break
    if year is None:
        return None
    clock = _TIME.search(rest)
    if clock:
        rest = rest[:clock.start()] + " " + rest[clock.end():]
    words = re.findall(r"[a-z]+", rest)
    zone = next((ZONES[w] for w in words if w in ZONES), None)
    if any(w not in NOISE and w not in ZONES for w in words) or re.search(r"\d", rest):
        return None
    calendar = _checked(year, month, day)
    if calendar is None or clock is None:
        return calendar
    hour, minute, second = (int(part or 0) for part in clock.groups())
    if hour > 23 or minute > 59 or second > 59:
        return None
    return f"{calendar}T{hour:02d}:{minute:02d}:{second:02d}{zone or ''}"


# -- text ----------------------------------------------------------------------------------------

_HTML = re.compile(r"</?(p|div|br|a|span|b|i|u|em|strong|ul|ol|li|h[1-6]|table|tr|td|th|font|img|hr|"
                   r"blockquote|pre|code|sup|sub)\b[^>]*>|&(nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", re.I)
_KEPT_TAGS = {"p", "div", "br", "a", "span", "b", "i", "u", "em", "strong", "ul", "ol", "li", "h1", "h2", "h3",
              "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "blockquote", "pre", "code", "hr",
              "sup", "sub"}


def is_html(value) -> bool:
    """True when text carries HTML tags or entities."""
    return isinstance(value, str) and bool(_HTML.search(value))


def text_of(value: str) -> str:
    """Text with any HTML converted to Markdown: sanitised by nh3 (scripts, styles and attributes other
    than links dropped), then converted by markdownify. Text without HTML is returned unchanged."""
    if not is_html(value):
        return value
    clean = nh3.clean(value, tags=_KEPT_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                      link_rel=None)
    converted = markdownify(clean, heading_style="ATX", bullets="*")
    converted = re.sub(r"[ \t]+\n", "\n", html.unescape(converted))
    return re.sub(r"\n{3,}", "\n\n", converted).strip()


# -- one record's findings -----------------------------------------------------------------------

def shown(value) -> str:
    """A value as a warning quotes it: text as written (cut to a hundred characters), anything else as JSON."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…")


def as_text(value) -> str:
    """A value as an extra's text: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


class Findings:
    """What one record's mapping found: warnings ({path, message}) and values kept as extras."""

    def __init__(self):
        self.warnings: list[dict] = []
        self.extras: dict[str, str] = {}

    def warn(self, path: str, message: str) -> None:
        """Add a warning (once)."""
        warning = {"path": path, "message": message[:500]}
        if warning not in self.warnings:
            self.warnings.append(warning)

    def keep(self, key: str, value, path: str, message: str) -> None:
        """Keep ``value`` as the extra ``key`` and warn."""
        if value not in (None, "", [], {}):
            self.extras.setdefault(key[:100], as_text(value)[:10000])
        self.warn(path, message)

    def unknown(self, kind: str, path: str, value, key: str | None = None) -> None:
        """A value of a vocabulary that could not be mapped: kept as an extra, with a warning."""
        self.keep(key or path, value, path, f"Unknown {kind} {shown(value)}; kept as an extra")

    def required(self, path: str, standard: str) -> None:
        """A property the source's own standard requires (and the catalog does not) is missing."""
        self.warn(path, f"{standard} requires {path}; the source gives none")

    # Readers that fall back to an extra and a warning ---------------------------------------

    def frequency(self, value, path: str = "frequency") -> str | None:
        """The frequency code, or None with the value kept."""
        if value in (None, "", [], {}):
            return None
        code = frequency(value) if isinstance(value, str) else None
        if code is None:
            self.unknown("frequency", path, value)
        return code

    def themes(self, values, path: str = "theme") -> list[str]:
        """The theme codes of a list (or one value); the others kept together as one extra."""
        codes, unknown = [], []
        for value in _listed(values):
            code = theme(value) if isinstance(value, str) else None
            if code and code not in codes:
                codes.append(code)
            elif not code and value not in (None, ""):
                unknown.append(value)
        for value in unknown:
            self.warn(path, f"Unknown theme {shown(value)}; kept as an extra")
        if unknown:
            self.extras.setdefault(path, as_text(unknown if len(unknown) > 1 else unknown[0])[:10000])
        return codes

    def languages(self, values, path: str = "language") -> list[str]:
        """The language codes of a list (or one value); the others kept as one extra."""
        codes, unknown = [], []
        for value in _listed(values):
            code = language(value) if isinstance(value, str) else None
            if code and code not in codes:
                codes.append(code)
            elif not code and value not in (None, ""):
                unknown.append(value)
        for value in unknown:
            self.warn(path, f"Unknown language {shown(value)}; kept as an extra")
        if unknown:
            self.extras.setdefault(path, as_text(unknown if len(unknown) > 1 else unknown[0])[:10000])
        return codes

    def licence(self, value, path: str = "license_id", key: str = "license") -> str | None:
        """The licence id, or None with the value kept (as text, not HTML)."""
        if value in (None, "", [], {}):
            return None
        found = licence(value) if isinstance(value, str) else None
        if found is None:
            self.unknown("licence", path, text_of(value) if isinstance(value, str) else value, key)
        return found

    @staticmethod
    def licence_id(value) -> str | None:
        """The licence id, or None (no warning: the caller decides what an unknown one becomes)."""
        return licence(value)

    def format(self, value, path: str) -> str | None:
        """The format label, or None with the value kept."""
        if value in (None, ""):
            return None
        label = file_format(value) if isinstance(value, str) else None
        if label is None:
            self.unknown("format", path, value)
        return label

    def media_type(self, value, path: str | None) -> str | None:
        """The media type, or None: with a ``path``, the value kept and warned about."""
        if value in (None, ""):
            return None
        found = media_type(value) if isinstance(value, str) else None
        if found is None and path:
            self.unknown("media type", path, value)
        return found

    def date(self, value, path: str, required_by: str | None = None) -> str | None:
        """The ISO date, or None: a missing one warned about when ``required_by`` names a standard that
        requires it; an unreadable one kept as an extra."""
        if value in (None, "", [], {}):
            if required_by:
                self.required(path, required_by)
            return None
        found = date(value) if isinstance(value, str) else None
        if found is None:
            self.keep(path, value, path, f"Not a date: {shown(value)}; kept as an extra")
        return found

    def text(self, value, path: str) -> str | None:
        """Text with HTML converted to Markdown; anything not text is kept as an extra."""
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.keep(path, value, path, "Not text; kept as an extra")
            return None
        return text_of(value)


def _listed(values) -> list:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        text = values.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
                if isinstance(parsed, list):
                    return parsed
            except ValueError:
                pass
        return [part.strip() for part in text.split(",") if part.strip()] if "://" not in text else [text]
    return list(values) if isinstance(values, (list, tuple)) else [values]


# -- the rules every harvester shares ------------------------------------------------------------

NO_URL = "A resource without a usable URL was left out"
NO_RESOURCE = "No resource with a usable URL: the catalog needs at least one"
CORE = {"name", "title", "identifier", "owner_org"}


def usable_url(value) -> str | None:
    """An absolute http, https or ftp URL (spaces inside percent-encoded), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not re.match(r"^(https?|ftp)://", text, re.I) or len(text) > 2000:
        return None
    if re.search(r"\s", text):
        text = quote(text, safe=":/?#[]@!$&'()*+,;=%~")
    try:
        return text if urlsplit(text).hostname else None
    except ValueError:
        return None


def finish(data: dict, findings: Findings, harvest: dict | None = None) -> dict:
    """Apply the shared rules to a mapped record and attach its extras and warnings.

    RecordError (naming the path) when the record has no title, no identifier, or no resource with a
    usable URL; a resource without one is left out with a warning. A field the dataset schema refuses
    is removed and kept as an extra with a warning. Text that cannot be stored is left in place, for
    the schema check to refuse the record by path."""
    for path in ("title", "identifier"):
        if not isinstance(data.get(path), str) or not data[path].strip():
            raise RecordError(f"Missing value: the record has no {path}", path)
    resources = []
    for n, resource in enumerate(data.get("resources") or []):
        url = usable_url(resource.get("url"))
        if url is None:
            findings.keep(f"resources.{n}.url", resource.get("url"), f"resources.{n}.url", NO_URL)
            continue
        resources.append({**resource, "url": url})
    if not resources:
        raise RecordError(NO_RESOURCE, "resources")
    data["resources"] = resources
    _merge_extras(data, findings)
    if not any(schemas.text_errors(data)):
        _settle(data, findings)
        _merge_extras(data, findings)
    provenance = {**(harvest or {}), **(data.pop("harvest", None) or {})}
    if findings.warnings:
        provenance["warnings"] = findings.warnings[:500]
    if provenance:
        data["harvest"] = provenance
    return data


def _merge_extras(data: dict, findings: Findings) -> None:
    """The record's extras and the findings' as one list of text key/value pairs, sorted by key."""
    extras = {}
    for extra in data.get("extras") or []:
        if isinstance(extra, dict) and str(extra.get("key") or "").strip() and extra.get("value") is not None:
            extras.setdefault(str(extra["key"])[:100], as_text(extra["value"])[:10000])
    for key, value in findings.extras.items():
        extras.setdefault(key, value)
    findings.extras = {}
    if extras:
        data["extras"] = [{"key": k, "value": value} for k, value in sorted(extras.items())]


def _settle(data: dict, findings: Findings) -> None:
    """Move every field the dataset schema refuses into the extras, with a warning naming it."""
    for _ in range(3):  # a field removed can only make the record more valid; a few passes settle it
        errors = schemas.validate({**data, "owner_org": data.get("owner_org") or "harvest"}, "dataset")
        errors = {path: messages for path, messages in errors.items() if path.split(".")[0] not in {"harvest"}}
        if not errors:
            return
        for path, messages in errors.items():
            _demote(data, path, "; ".join(messages), findings)


def _demote(data: dict, path: str, message: str, findings: Findings) -> None:
    parts = path.split(".")
    if parts[0] in CORE or not parts[0]:
        return
    if parts[0] == "resources" and len(parts) >= 3 and parts[1].isdigit():
        resource = data["resources"][int(parts[1])]
        if parts[2] == "url" or parts[2] not in resource:
            return
        findings.keep(".".join(parts[:3]), resource.pop(parts[2]), ".".join(parts[:3]),
                      f"{message}; kept as an extra")
        return
    if parts[0] in data:
        findings.keep(parts[0], data.pop(parts[0]), parts[0], f"{message}; kept as an extra")
