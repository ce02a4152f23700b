"""Every interface string has an English translation, and the committed .mo matches its .po."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parent.parent / "catalog" / "web"
PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def messages(path: Path, reader) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in reader(handle) if m.id}


def read_en_po(handle):
    return read_po(handle, locale="en")


def interface_strings() -> set[str]:
    found = extract_from_dir(str(WEB), METHODS, keywords=KEYWORDS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_every_interface_string_has_an_english_translation():
    strings = interface_strings()
    assert len(strings) > 80
    translated = messages(PO, read_en_po)
    missing = sorted(s for s in strings if not translated.get(s))
    assert not missing, f"add English for these to {PO.name} and compile it: {missing}"


def test_the_compiled_catalog_matches_the_po_file():
    assert messages(MO, read_mo) == messages(PO, read_en_po), "messages.mo is stale: run pybabel compile -d catalog/web/translations"


def test_placeholders_survive_translation():
    import re

    for source, english in messages(PO, read_en_po).items():
        assert set(re.findall(r"%\(\w+\)s", source)) == set(re.findall(r"%\(\w+\)s", english)), source
