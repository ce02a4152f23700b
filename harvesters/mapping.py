"""Small pure helpers that harvesters share when mapping remote records to dataset dicts."""

import hashlib
import re
import unicodedata

_TAG_BAD = re.compile(r"[^\w .-]+")


def slugify(text: str, fallback: str = "dataset", limit: int = 90) -> str:
    """A URL name from ``text``: ASCII lower case, digits and '-'; ``fallback`` hashed when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    if len(slug) >= 2:
        return slug
    return f"{fallback}-{hashlib.sha256((text or '').encode()).hexdigest()[:10]}"


def clean_tags(words) -> list[dict]:
    """Keywords as CKAN tag dicts, with characters the schema refuses replaced and duplicates dropped."""
    seen, tags = set(), []
    for word in words or []:
        name = " ".join(_TAG_BAD.sub(" ", str(word)).split())[:100]
        if len(name) >= 2 and name not in seen:
            seen.add(name)
            tags.append({"name": name})
    return tags
