"""Renders docs/metadata-schemas.md from the schema files.

Run ``python -m catalog.schemadoc > docs/metadata-schemas.md`` after changing a schema.
"""

from catalog import schemas

INTRO = """# Metadata schemas

The files in `metadata_schemas/` (JSON Schema 2020-12) are the one definition of the catalog's
records. Every write (API, harvest, command line) is validated against them, and every error is
reported with its dotted field path, e.g. `resources.0.url: Must be an absolute http, https or ftp URL`.
Check a file yourself with `catalog dataset validate FILE.json`.

This page is generated from those files by `python -m catalog.schemadoc > docs/metadata-schemas.md`;
a test fails when it is out of date. Fields marked *read-only* are set by the catalog and ignored on input.
"""


def _resolve(sub: dict, here: str) -> dict:
    """The schema a property points at, merged with the property's own keywords."""
    if "$ref" not in sub:
        return sub
    file, _, pointer = sub["$ref"].partition("#")
    target = schemas.load(file.removesuffix(".json") if file else here)
    for part in filter(None, pointer.split("/")):
        target = target[part]
    merged = {**_resolve(target, file.removesuffix(".json") if file else here), **sub}
    merged.pop("$ref")
    return merged


def _type(sub: dict) -> str:
    if "oneOf" in sub and all("const" in o for o in sub["oneOf"]):
        return "code"
    kind = sub.get("type", "")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" and "items" in sub:
        item = sub["items"]
        inner = item.get("title") or _type(item) if "$ref" not in item else item["$ref"].split("/")[-1]
        return f"list of {inner.removesuffix('.json')}"
    return f"{kind} ({sub['format']})" if "format" in sub else kind


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _entity(kind: str) -> list[str]:
    doc = schemas.load(kind)
    required = set(doc.get("required", []))
    lines = [f"## {doc['title']} (`{kind}.json`)", "", doc["description"], "",
             "| Field | Type | Required | Title | Description |", "| --- | --- | --- | --- | --- |"]
    for name, raw in doc["properties"].items():
        sub = _resolve(raw, kind)
        flags = "yes" if name in required else ("read-only" if sub.get("readOnly") else "")
        lines.append(f"| `{name}` | {_type(sub)} | {flags} | {_cell(sub.get('title', ''))} "
                     f"| {_cell(sub.get('description', ''))} |")
    return [*lines, ""]


def _codes(title: str, options: list[dict], extra: str = "") -> list[str]:
    lines = [f"### {title}", "", "| Code | Label | Meaning |", "| --- | --- | --- |"]
    for option in options:
        meaning = option.get("description") or option.get("x-level", "")
        if option.get("x-parent"):
            meaning = f"{meaning} in {option['x-parent']}"
        lines.append(f"| `{option['const']}` | {_cell(option['title'])} | {_cell(meaning)} |")
    return [*lines, "", *([extra, ""] if extra else [])]


def render() -> str:
    """The whole reference page as Markdown."""
    lines = [INTRO]
    for kind in schemas.KINDS:
        lines += _entity(kind)
    lines += ["## Code lists", ""]
    defs = schemas.load("defs")["$defs"]
    for name in ("frequency", "theme", "access_level"):
        lines += _codes(defs[name]["title"], defs[name]["oneOf"], defs[name]["description"])
    region = schemas.load("region")
    lines += _codes(region["title"], region["oneOf"], region["description"])
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
