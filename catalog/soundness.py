"""Whether a stored dataset record can be served: the check every reader of the store applies first.

A record that should never have been stored (written around the service, by an older version, or
damaged in the database) must not stop search, feeds, pages or start-up. The store hands readers
only sound records and sets the others aside in the quarantine, with the reasons found here.

Sound means: a JSON object; the catalog's own fields present as text; no text that cannot be
encoded or put in XML; and every field of the type the schema gives it. Rules about values
(patterns, formats, vocabularies) are not checked here: a reader copes with an odd value, not
with a list where it expects text, and a schema that grows stricter must not hide older records.
"""

import json
import re

from catalog import schemas

SYSTEM_TEXT = ("id", "name", "state", "owner_org", "metadata_created", "metadata_modified")
STATES = ("active", "withdrawn")


# In a record's JSON text, what may stand for a character ``schemas.bad_character`` names: an escaped
# C0 control, DEL or surrogate, a \\b or \\f escape, or such a character itself. Text without any of
# these holds none, so its strings need no walk (a match only means: walk them to be sure).
_SUSPECT_ESCAPE = r"\\(?:u00[01][0-9a-fA-F]|u007[fF]|u[dD][89a-fA-F]|u[fF]{3}[eEfF]|[bf])"
_SUSPECT = re.compile(_SUSPECT_ESCAPE)
_SUSPECT_BYTES = re.compile(_SUSPECT_ESCAPE.encode())
_RAW = re.compile("[\x7f\ud800-\udfff\ufffe\uffff]")
_RAW_BYTES = re.compile(b"\x7f|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]")  # DEL, U+FFFE/FFFF, surrogates


def _text_clean(text) -> bool:
    """True when the JSON ``text`` (str or bytes) cannot hold a character ``bad_character`` names."""
    if isinstance(text, str):
        raw = "\x7f" in text if text.isascii() else _RAW.search(text) is not None
        return not raw and ("\\" not in text or _SUSPECT.search(text) is None)
    return _RAW_BYTES.search(text) is None and (b"\\" not in text or _SUSPECT_BYTES.search(text) is None)


class StoredObject(dict):
    """A JSON object as the store read it; ``text_clean`` says its JSON text held no character that
    ``schemas.bad_character`` names, so the per-string check can be skipped."""

    text_clean = False


class Undecodable(str):
    """What the store reads from a JSON column whose text is not JSON: the text, and why."""

    def __new__(cls, text: str, error: str):
        value = super().__new__(cls, text)
        value.error = error
        return value


def tolerant_loads(text):
    """``json.loads`` for the store's JSON columns that gives an ``Undecodable`` instead of raising,
    so one damaged row fails the check below rather than every query that reads it."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        return Undecodable(text if isinstance(text, str) else repr(text), f"{error.__class__.__name__}: {error}")
    if isinstance(value, dict):
        value = StoredObject(value)
        value.text_clean = _text_clean(text)
    return value


def structural_problems(record) -> list[str]:
    """Why ``record`` cannot be used even to be replaced: not an object, or the catalog's own fields broken."""
    if isinstance(record, Undecodable):
        return [f"(record): the stored JSON cannot be read ({record.error})"]
    if not isinstance(record, dict):
        return [f"(record): a JSON {type(record).__name__} instead of an object"]
    found = [f"{key}: missing or not text" for key in SYSTEM_TEXT
             if not isinstance(record.get(key), str) or not record.get(key)]
    if record.get("state") not in STATES and "state: missing or not text" not in found:
        found.append(f"state: {record.get('state')!r} is not a dataset state")
    if "harvest" in record and not isinstance(record["harvest"], dict):
        found.append("harvest: not an object")
    return found


def problems(record) -> list[str]:
    """Every reason no reader should be given ``record``, as ``path: reason``; empty when it is sound."""
    found = structural_problems(record)
    if found and not isinstance(record, dict):
        return found
    if not getattr(record, "text_clean", False):
        found += [f"{path or '(record)'}: {message}" for path, message in schemas.text_errors(record)]
    shape = schemas.shape_errors(record, "dataset")  # the shape check allows the catalog's own extra fields
    found += [f"{path or '(record)'}: {message}" for path, message in shape]
    return found
