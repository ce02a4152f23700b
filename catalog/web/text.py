"""Text shown on pages: the chosen language's version, sanitised Markdown, highlighted snippets, sizes.

Pure functions over plain values; nothing here needs an app or a request.
"""

import html
import re
from functools import cache

import markdown
import nh3
from markupsafe import Markup, escape

from catalog import schemas

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
SNIPPET_LENGTH = 240
_WORD = re.compile(r"[\w]+", re.UNICODE)
_QUERY_NOISE = {"AND", "OR", "NOT"}
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]{0,200}>")
_MARKUP = re.compile(r"(^|\s)[#>*+-]+(?=\s)|[*_`~|]+", re.M)


def localized(record: dict, field: str, language: str) -> str:
    """``field`` in ``language`` from ``<field>_translated`` when present, else the field itself."""
    translated = record.get(f"{field}_translated") or {}
    return translated.get(language) or record.get(field) or ""


def render_markdown(text: str) -> Markup:
    """Markdown as HTML: raw HTML shown as text, then only harmless tags, attributes and schemes kept (nh3)."""
    # Raw HTML in a description is shown as text, never as markup: "<" is escaped before Markdown runs.
    source = (text or "").replace("<", "&lt;")
    rendered = markdown.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    # Headings start at h2 on every page: the dataset title is the only h1.
    rendered = re.sub(r"<(/?)h1>", r"<\1h2>", rendered)
    clean = nh3.clean(
        rendered,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def plain_text(text: str, limit: int = 4000) -> str:
    """The words of Markdown for snippets: links reduced to their text, markup characters and tags dropped.

    A few regular expressions instead of a Markdown parser, because a search page makes twenty of these.
    """
    text = (text or "")[:limit]
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def query_words(q: str) -> list[str]:
    """The words of a search query worth highlighting: no operators, field names or one-letter words."""
    words = []
    for token in (q or "").split():
        if token in _QUERY_NOISE:
            continue
        token = token.split(":", 1)[1] if re.match(r"^\w+:", token) else token
        words += [w for w in _WORD.findall(token) if len(w) > 1]
    return list(dict.fromkeys(w.lower() for w in words))


def highlight(text: str, words: list[str]) -> Markup:
    """``text`` escaped first, then each query word wrapped in ``<mark>`` (so no markup can slip in)."""
    escaped = str(escape(text))
    if not words:
        return Markup(escaped)
    alternatives = "|".join(re.escape(str(escape(w))) for w in sorted(words, key=len, reverse=True))
    # Entities such as &amp; are matched first and left whole, so a word never splits one.
    pattern = re.compile(rf"(&#?\w+;)|({alternatives})", re.IGNORECASE)
    return Markup(pattern.sub(lambda m: m.group(1) or f"<mark>{m.group(2)}</mark>", escaped))


def snippet(text: str, words: list[str], length: int = SNIPPET_LENGTH) -> Markup:
    """About ``length`` characters of ``text`` around the first query word, highlighted."""
    text = plain_text(text)
    start = 0
    lowered = text.lower()
    hits = [lowered.find(w) for w in words if lowered.find(w) >= 0]
    if hits and min(hits) > length // 3:
        start = text.rfind(" ", 0, min(hits) - length // 3) + 1
    cut = text[start:start + length]
    if start + length < len(text):
        cut = cut[: cut.rfind(" ")] if " " in cut else cut
    prefix = "… " if start else ""
    suffix = " …" if start + len(cut) < len(text) else ""
    return Markup(escape(prefix)) + highlight(cut, words) + Markup(escape(suffix))


def human_size(size) -> str:
    """A byte count as B, KB, MB or GB with one decimal."""
    if not isinstance(size, int) or size < 0:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""


@cache
def _vocabulary(def_name: str) -> dict[str, dict[str, str]]:
    """``{code: {"id": Indonesian title, "en": English description}}`` of a coded vocabulary."""
    entries = schemas.load("defs")["$defs"][def_name]["oneOf"]
    return {e["const"]: {"id": e["title"], "en": (e.get("description") or e["title"]).capitalize()} for e in entries}


def vocabulary_label(def_name: str, code: str, language: str) -> str:
    """The label of ``code`` in a coded vocabulary (frequency, theme), in ``language`` where known."""
    entry = _vocabulary(def_name).get(code)
    if entry is None:
        return code
    return entry.get(language) or schemas.labels(def_name).get(code, code)


def region_label(code: str) -> str:
    """The official name of a Kemendagri region code, with its level for kecamatan and kelurahan."""
    region = schemas.region_names().get(code)
    if region is None:
        return code
    return region["name"] if region["level"] == "kota" else f"{region['name']} ({region['level']})"


def years(record: dict) -> str:
    """The years the data covers, from temporal_start and temporal_end: ``2024`` or ``2020–2024``."""
    first = (record.get("temporal_start") or "")[:4]
    last = (record.get("temporal_end") or "")[:4]
    if first and last and first != last:
        return f"{first}–{last}"
    return first or last
