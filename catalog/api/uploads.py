"""Uploaded resource files: a size limit, a content check against the declared format, storage in the
dataset's folder (``catalog.files``).

Formats a browser can run (HTML, XHTML, SVG, scripts) are refused whatever they are declared
as, by format, media type or file name. The whole file is scanned for markup while it streams
to disk (an HTML page or an SVG served as "CSV" from our domain would be an XSS vector), and a
file must look like what its format says (a PDF starts with %PDF-, an XLSX is a zip, a CSV is
text). A stored file is only ever served with a type from ``MEDIA_TYPES`` or as
``application/octet-stream`` (see ``served_type``).
"""

import hashlib
from pathlib import Path

from werkzeug.utils import secure_filename

from catalog.errors import ValidationError

SNIFF_BYTES = 8192
MAX_FILENAME = 120  # bytes, well under the 255 of common file systems; secure_filename leaves only ASCII
CHUNK = 1 << 16
EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg", b"<meta",
                b"<object", b"<embed", b"<xsl:")
OVERLAP = max(len(marker) for marker in HTML_MARKERS) - 1
SCRIPTABLE_FORMATS = {"HTML", "HTM", "XHTML", "XHT", "SHTML", "MHT", "MHTML", "SVG", "SVGZ", "JS", "MJS",
                      "XSL", "XSLT", "SWF", "HTA"}
SCRIPTABLE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript",
                    "application/javascript", "application/ecmascript", "text/ecmascript", "text/xsl",
                    "application/xslt+xml", "multipart/related", "message/rfc822", "application/x-shockwave-flash",
                    "application/hta"}
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
SAFE_TYPES = frozenset(MEDIA_TYPES.values())
FALLBACK_TYPE = "application/octet-stream"
HTML_PROBLEM = "The file contains HTML or other markup a browser would run; upload the data itself"


def _problem(head: bytes, fmt: str) -> str | None:
    """Why ``head`` (the file's first bytes) cannot be a file of format ``fmt``, or None."""
    if head.startswith(EXECUTABLES):
        return "Executable files are not accepted"
    if MarkupScan().feed(head):
        return HTML_PROBLEM
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
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


class MarkupScan:
    """Looks for HTML and script markup in a file fed chunk by chunk, markers cut between chunks included."""

    def __init__(self):
        self.tail = b""
        self.found = False

    def feed(self, chunk: bytes) -> bool:
        """Scan the next chunk; True once markup has been seen anywhere so far."""
        if not self.found:
            window = self.tail + chunk.lower()
            self.found = any(marker in window for marker in HTML_MARKERS)
            self.tail = window[-OVERLAP:]
        return self.found


def refuse_scriptable(resource: dict, filename: str) -> None:
    """Refuse an upload declared (by format, media type or file extension) as something a browser runs."""
    fmt = (resource.get("format") or "").strip().upper().lstrip(".")
    mimetype = str(resource.get("mimetype") or "").split(";", 1)[0].strip().lower()
    extension = Path(filename or "").suffix.lstrip(".").upper()
    if fmt in SCRIPTABLE_FORMATS or extension in SCRIPTABLE_FORMATS or mimetype in SCRIPTABLE_TYPES:
        raise ValidationError({"upload": [
            "HTML, SVG and script files are not accepted as uploads, whatever they are declared as; "
            "link to the page instead"]})


def declared_format(resource: dict, filename: str) -> str:
    """The resource's format, or else the file's extension, upper-case; scriptable declarations are refused."""
    refuse_scriptable(resource, filename)
    fmt = (resource.get("format") or Path(filename).suffix.lstrip(".")).strip().upper()
    return fmt


def stored_filename(name: str) -> str:
    """A safe file name for an upload, short enough for every file system (the extension kept)."""
    safe = secure_filename(name) or "data"
    if len(safe) <= MAX_FILENAME:
        return safe
    suffix = Path(safe).suffix[:16]
    return safe[:MAX_FILENAME - len(suffix)] + suffix


def save_upload(file, *, folder: Path, fmt: str, limit: int) -> dict:
    """Check and store an uploaded file in ``folder`` (``catalog.files.folder``: under its dataset);
    returns the resource fields it determines (size, hash, ...).

    The file streams to disk once: its first bytes are checked against ``fmt``, every byte is
    scanned for markup, and a file over ``limit`` or with markup is deleted before the error.
    """
    filename = stored_filename(file.filename or "")
    head = file.stream.read(SNIFF_BYTES)
    problem = _problem(head, fmt)
    if problem:
        raise ValidationError({"upload": [problem]})
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    digest, size, scan = hashlib.sha256(), 0, MarkupScan()
    try:
        with open(target, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise ValidationError({"upload": [f"The file is larger than the limit of {limit} bytes"]})
                if scan.feed(chunk):
                    raise ValidationError({"upload": [HTML_PROBLEM]})
                digest.update(chunk)
                out.write(chunk)
                chunk = file.stream.read(CHUNK)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    fields = {"filename": filename, "size": size, "hash": f"sha256:{digest.hexdigest()}", "url_type": "upload",
              "mimetype": MEDIA_TYPES.get(fmt, FALLBACK_TYPE)}
    if fmt:
        fields["format"] = fmt
    return fields


def served_type(resource: dict) -> str:
    """The Content-Type a stored file is sent with: its known media type, never one a browser would run."""
    mimetype = str(resource.get("mimetype") or "").split(";", 1)[0].strip().lower()
    return mimetype if mimetype in SAFE_TYPES else FALLBACK_TYPE

