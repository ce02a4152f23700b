"""The shared normaliser: what sources write, and what the catalog makes of it (table-driven)."""

import pytest

from catalog import schemas
from harvesters import RecordError
from harvesters import normalise as n

FREQUENCIES = [
    ("http://publications.europa.eu/resource/authority/frequency/ANNUAL", "ANNUAL"),
    ("https://publications.europa.eu/resource/authority/frequency/MONTHLY", "MONTHLY"),
    ("QUARTERLY", "QUARTERLY"), ("annual", "ANNUAL"), ("Yearly", "ANNUAL"), ("continual", "CONT"),
    ("R/P1Y", "ANNUAL"), ("R/P3M", "QUARTERLY"), ("R/P1D", "DAILY"), ("R/PT1H", "HOURLY"), ("irregular", "IRREG"),
    ("http://purl.org/cld/freq/irregular", "IRREG"), ("http://purl.org/cld/freq/threeTimesAYear", "ANNUAL_3"),
    ("Tahunan", "ANNUAL"), ("Bulanan", "MONTHLY"), ("Triwulanan", "QUARTERLY"), ("Semesteran", "ANNUAL_2"),
    ("Dua Tahunan", "BIENNIAL"), ("tidak teratur", "IRREG"), ("Per Jam", "HOURLY"), ("每年", "ANNUAL"),
    ("天天", "DAILY"), ("eventual", "IRREG"),
    ("http://publications.europa.eu/resource/authority/frequency/MONTHLY_3", None), ("R/P0.5M", None),
    ("sometimes", None), ("", None),
]
THEMES = [
    ("http://publications.europa.eu/resource/authority/data-theme/HEAL", "HEAL"), ("heal", "HEAL"),
    ("Health", "HEAL"), ("Kesehatan", "HEAL"), ("Santé", "HEAL"), ("Transportasi", "TRAN"),
    ("Justice, legal system and public safety", "JUST"), ("geospatial", None),
    ("http://publications.europa.eu/resource/authority/data-theme/NOPE", None),
]
LICENCES = [
    ("https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0"), ("http://creativecommons.org/licenses/by/4.0",
                                                                     "cc-by-4.0"),
    ("CC-BY-4.0", "cc-by-4.0"), ("cc-by", "cc-by"), ("Creative Commons Attribution", "cc-by"),
    ("https://spdx.org/licenses/CC0-1.0.html", "cc-zero"), ("ODbL-1.0", "odc-odbl"),
    ("Open Data Commons Open Database License (ODbL)", "odc-odbl"),
    ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "cc-by-4.0"),
    ("http://www.etalab.gouv.fr/pages/Licence_ouverte_Open_licence-5899923.html", "etalab-1.0"),
    ('<DIV STYLE="text-align:Left;"><P><SPAN>Soumis à la licence Etalab : '
     'https://www.etalab.gouv.fr/licence-ouverte-open-licence/</SPAN></P></DIV>', "etalab-2.0"),
    ("License Not Specified", "notspecified"), ("https://project-open-data.cio.gov/unknown-license", "notspecified"),
    ("http://cassini.apur.opendata.arcgis.com/datasets/e0f57349", None), ("copyright", None),
]
FORMATS = [
    ("csv", "CSV", "text/csv"), (".xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("text/csv", "CSV", "text/csv"), ("https://www.iana.org/assignments/media-types/application/json", "JSON",
                                      "application/json"),
    ("http://publications.europa.eu/resource/authority/file-type/CSV", "CSV", "text/csv"),
    ("Web page", "HTML", "text/html"), ("Lembar Kerja", "Lembar Kerja", None), ("WWW:LINK-1.0-http--link", None, None),
]
LANGUAGES = [
    ("en", "en"), ("eng", "en"), ("ENG", "en"), ("FRE", "fr"),
    ("http://publications.europa.eu/resource/authority/language/IND", "id"), ("id-ID", "id"), ("en_US", "en"),
    ("Bahasa Indonesia", "id"), ("Indonesia", "id"), ("拉丁语", None),
]
DATES = [
    ("2024-03-01", "2024-03-01"), ("2024-03-01T10:00:00", "2024-03-01T10:00:00"),
    ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00+00:00"), ("2024-03-01 10:00:00", "2024-03-01T10:00:00"),
    ("2024-03-01T10:00:00+0700", "2024-03-01T10:00:00+07:00"), ("2016-12-06T18:26:31.821Z",
                                                                "2016-12-06T18:26:31.821000+00:00"),
    ("01/03/2024", "2024-03-01"), ("12/31/2024", "2024-12-31"), ("1 Maret 2024", "2024-03-01"),
    ("17 Agustus 1945", "1945-08-17"), ("Senin, 1 Maret 2024 pukul 10.00 WIB", "2024-03-01T10:00:00+07:00"),
    ("March 1, 2024", "2024-03-01"), ("1er mars 2024", "2024-03-01"), ("mar, 10/12/2019 - 09:23",
                                                                       "2019-12-10T09:23:00"),
    ("Date changed  jeu, 19/12/2019 - 03:00", "2019-12-19T03:00:00"), ("2024", "2024-01-01"),
    ("2024-05", "2024-05-01"),
    ("last tuesday", None), ("2024-02-30", None), ("31/02/2024", None), ("Version 1/2/2020 draft", None), ("", None),
]


@pytest.mark.parametrize(("written", "code"), FREQUENCIES)
def test_frequency(written, code):
    assert n.frequency(written) == code


@pytest.mark.parametrize(("written", "code"), THEMES)
def test_theme(written, code):
    assert n.theme(written) == code


@pytest.mark.parametrize(("written", "licence_id"), LICENCES)
def test_licence(written, licence_id):
    assert n.licence(written) == licence_id


@pytest.mark.parametrize(("written", "label", "media"), FORMATS)
def test_format_and_media_type(written, label, media):
    assert (n.file_format(written), n.media_type(written)) == (label, media)


@pytest.mark.parametrize(("written", "code"), LANGUAGES)
def test_language(written, code):
    assert n.language(written) == code


@pytest.mark.parametrize(("written", "iso"), DATES)
def test_date(written, iso):
    assert n.date(written) == iso
    if iso:
        assert schemas.validate({"name": "xx", "title": "x", "owner_org": "xx", "modified": iso}, "dataset") == {}


def test_every_code_the_normaliser_gives_is_one_the_schema_takes():
    assert {c for _, c in FREQUENCIES if c} <= set(schemas.labels("frequency"))
    assert {c for _, c in THEMES if c} <= set(schemas.labels("theme"))


def test_html_becomes_sanitised_markdown_and_plain_text_is_left_alone():
    html = ('<p>Liste et coordonn&eacute;es</p><script>alert(1)</script>'
            '<div><a href="javascript:steal()">a</a> <a href="https://x.fr/d">b</a><br/>c &amp; d</div>')
    assert n.text_of(html) == "Liste et coordonnées\n\na [b](https://x.fr/d)\nc & d"
    assert n.text_of("a < b and c > d, *Markdown* kept") == "a < b and c > d, *Markdown* kept"


def test_unknown_values_are_kept_as_extras_with_one_message_per_kind_and_value():
    findings = n.Findings()
    assert findings.frequency("2 mingguan") == "BIWEEKLY"
    assert findings.frequency("dua kali sebulan") is None
    assert findings.themes(["HEAL", "geospatial"]) == ["HEAL"]
    assert findings.date("kemarin", "modified") is None
    assert findings.date(None, "modified", required_by="DCAT-US 1.1") is None
    data = n.finish({"name": "xx", "title": "Data", "identifier": "x-1", "resources": [{"url": "https://a.example/"}]},
                    findings)
    assert data["harvest"]["warnings"] == [
        {"path": "frequency", "message": "Unknown frequency 'dua kali sebulan'; kept as an extra"},
        {"path": "theme", "message": "Unknown theme 'geospatial'; kept as an extra"},
        {"path": "modified", "message": "Not a date: 'kemarin'; kept as an extra"},
        {"path": "modified", "message": "DCAT-US 1.1 requires modified; the source gives none"},
    ]
    assert data["extras"] == [{"key": "frequency", "value": "dua kali sebulan"},
                              {"key": "modified", "value": "kemarin"}, {"key": "theme", "value": "geospatial"}]
    assert schemas.validate({**data, "owner_org": "xx"}, "dataset") == {}


def test_finish_refuses_only_what_the_catalog_cannot_do_without():
    good = {"name": "xx", "title": "Data", "identifier": "x-1", "resources": [{"url": "https://a.example/a.csv"}]}
    for field, path in (("title", "title"), ("identifier", "identifier")):
        with pytest.raises(RecordError) as refused:
            n.finish({**good, field: " "}, n.Findings())
        assert refused.value.path == path
    with pytest.raises(RecordError) as refused:
        n.finish({**good, "resources": [{"url": "a.csv"}, {"name": "no url"}]}, n.Findings())
    assert (refused.value.path, refused.value.message) == ("resources", n.NO_RESOURCE)
    data = n.finish({**good, "resources": [{"name": "no url"}, {"url": " https://a.example/b c.csv "}],
                     "author_email": "not an address", "contact_point": {"name": "x"}}, n.Findings())
    assert data["resources"] == [{"url": "https://a.example/b%20c.csv"}]
    warned = {w["path"]: w["message"] for w in data["harvest"]["warnings"]}
    assert warned["resources.0.url"] == n.NO_URL
    assert warned["author_email"].endswith("kept as an extra") and warned["contact_point"].endswith("kept as an extra")
    assert {"key": "author_email", "value": "not an address"} in data["extras"]
    assert schemas.validate({**data, "owner_org": "xx"}, "dataset") == {}


def test_text_that_cannot_be_stored_is_left_for_the_schema_to_refuse_by_path():
    data = n.finish({"name": "xx", "title": "Data \udcff", "identifier": "x", "resources": [{"url": "https://a.ex/"}],
                     "author_email": "bad"}, n.Findings())
    assert schemas.validate({**data, "owner_org": "xx"}, "dataset")["title"]
