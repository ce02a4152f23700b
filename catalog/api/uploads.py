"""Uploaded resource files: a size limit, a content check against the declared format, storage under HOME/uploads.

The content check looks at the first bytes: executables and HTML are refused whatever their
declared format (an HTML page served as "CSV" from our domain would be an XSS vector), and a
file must look like what its format says (a PDF starts with %PDF-, an XLSX is a zip, a CSV is text).
"""

import hashlib
from pathlib import Path

from werkzeug.utils import secure_filename

from catalog.errors import ValidationError

SNIFF_BYTES = 8192
MAX_FILENAME = 120  # bytes, well under the 255 of common file systems; secure_filename leaves only ASCII
EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg", b"<meta")
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"
MAGIC = {
    "PDF": (b"%PDF-",), "XLSX": (ZIP,), "DOCX": (ZIP,), "PPTX": (ZIP,), "ODS": (ZIP,), "ODT": (ZIP,),
    "ZIP": (ZIP,), "SHP": (ZIP,), "KMZ": (ZIP,), "XLS": (OLE,), "DOC": (OLE,), "PNG": (b"\x89PNG",),
    "JPEG": (b"\xff\xd8\xff",), "JPG": (b"\xff\xd8\xff",), "GIF": (b"GIF8",),
}
TEXT_FORMATS = {"CSV", "TSV", "TXT", "JSON", "GEOJSON", "XML", "RDF", "KML", "TTL", "MD"}
MEDIA_TYPES = {
    "CSV": "text/csv", "TSV": "text/tab-separated-values", "TXT": "text/plain", "JSON": "application/json",
    "GEOJSON": "application/geo+json", "XML": "application/xml", "PDF": "application/pdf",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel", "ZIP": "application/zip", "PNG": "image/png", "JPEG": "image/jpeg",
}


def _problem(head: bytes, fmt: str) -> str | None:
    """Why ``head`` (the file's first bytes) cannot be a file of format ``fmt``, or None."""
    if head.startswith(EXECUTABLES):
        return "Executable files are not accepted"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if fmt not in {"HTML", "HTM"} and any(marker in lowered[:1024] for marker in HTML_MARKERS):
        return "The file contains HTML; declare it as HTML or upload the real data"
    if fmt in MAGIC and not head.startswith(MAGIC[fmt]):
        return f"The content does not look like {fmt}"
    if fmt in TEXT_FORMATS:
        if b"\x00" in head:
            return f"The content is binary, not {fmt} text"
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # a character cut at the sniff boundary is fine
                return f"{fmt} files must be UTF-8 text"
        if fmt in {"JSON", "GEOJSON"} and not lowered.startswith((b"{", b"[")):
            return f"The content does not look like {fmt}"
        if fmt in {"XML", "RDF", "KML"} and not lowered.startswith(b"<"):
            return f"The content does not look like {fmt}"
    return None


def declared_format(resource: dict, filename: str) -> str:
    """The resource's format, or else the file's extension, upper-case."""
    fmt = (resource.get("format") or Path(filename).suffix.lstrip(".")).strip().upper()
    return fmt


def stored_filename(name: str) -> str:
    """A safe file name for an upload, short enough for every file system (the extension kept)."""
    safe = secure_filename(name) or "data"
    if len(safe) <= MAX_FILENAME:
        return safe
    suffix = Path(safe).suffix[:16]
    return safe[:MAX_FILENAME - len(suffix)] + suffix


def save_upload(file, *, home: str, resource_id: str, fmt: str, limit: int) -> dict:
    """Check and store an uploaded file; returns the resource fields it determines (size, hash, ...)."""
    filename = stored_filename(file.filename or "")
    head = file.stream.read(SNIFF_BYTES)
    problem = _problem(head, fmt)
    if problem:
        raise ValidationError({"upload": [problem]})
    folder = Path(home) / "uploads" / resource_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    digest, size = hashlib.sha256(head), len(head)
    with open(target, "wb") as out:
        out.write(head)
        while chunk := file.stream.read(1 << 16):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink()
                raise ValidationError({"upload": [f"The file is larger than the limit of {limit} bytes"]})
            digest.update(chunk)
            out.write(chunk)
    if size > limit:
        target.unlink()
        raise ValidationError({"upload": [f"The file is larger than the limit of {limit} bytes"]})
    fields = {"filename": filename, "size": size, "hash": f"sha256:{digest.hexdigest()}", "url_type": "upload"}
    if fmt:
        fields["format"] = fmt
    if fmt in MEDIA_TYPES:
        fields["mimetype"] = MEDIA_TYPES[fmt]
    return fields


def upload_path(home: str, resource_id: str, filename: str) -> Path | None:
    """The stored file of an uploaded resource, or None when it is missing."""
    path = Path(home) / "uploads" / secure_filename(resource_id) / secure_filename(filename)
    return path if path.is_file() else None
