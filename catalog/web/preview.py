"""Resource previews: the first rows of a CSV or XLSX file as a table, built safely.

The file is fetched with a size cap and a time limit, never from loopback, link-local or private
addresses unless the operator lists the host and port in ``PREVIEW_ALLOWED_HOSTS``, and each
redirect hop is checked the same way. XLSX is read by openpyxl in read-only mode after the archive's unpacked
size is checked, so a zip bomb is refused before it is opened.
"""

import csv
import io
import ipaddress
import socket
import time
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

MAX_ROWS = 100
MAX_COLUMNS = 50
MAX_CELL = 500
MAX_REDIRECTS = 3
UNPACK_RATIO = 20
FORMATS = {"CSV", "XLSX"}
USER_AGENT = "open-city-catalog-preview/1"


class PreviewError(Exception):
    """The file cannot be previewed; ``reason`` is one of: too_large, broken, unreachable, refused."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Table:
    """The preview: a header row, up to MAX_ROWS rows, and whether the file had more."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    truncated: bool = False
    sheet: str = ""


def preview_format(resource: dict) -> str | None:
    """CSV or XLSX when the resource can be previewed, else None."""
    label = (resource.get("format") or "").strip().upper()
    if label in FORMATS:
        return label
    mimetype = resource.get("mimetype") or ""
    if mimetype == "text/csv":
        return "CSV"
    if mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        return "XLSX"
    return None


DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed_targets(setting: str) -> frozenset[str]:
    """``PREVIEW_ALLOWED_HOSTS`` as ``host:port`` strings: ``host:8080`` allows that port, a bare host 80 and 443."""
    found = set()
    for entry in setting.split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        parts = urlsplit(f"//{entry}")
        try:
            ports = [parts.port] if parts.port else list(DEFAULT_PORTS.values())
        except ValueError:
            raise ValueError(f"PREVIEW_ALLOWED_HOSTS: {entry!r} is not host or host:port") from None
        found.update(f"{parts.hostname}:{port}" for port in ports)
    return frozenset(found)


def check_target(url: str, allowed_hosts: frozenset[str] | set[str]) -> None:
    """Refuse URLs that are not http(s) or resolve to a non-public address, unless their ``host:port`` is allowed."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise PreviewError("refused", f"not an http(s) URL: {url[:200]}")
    host = parts.hostname.lower()
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise PreviewError("refused", f"not a valid port: {url[:200]}") from None
    if f"{host}:{port}" in allowed_hosts:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError) as error:
        raise PreviewError("unreachable", f"cannot resolve {host}: {error}") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise PreviewError("refused", f"{host} resolves to the non-public address {ip}")


def fetch(url: str, *, max_bytes: int, timeout: float, allowed_hosts: set[str]) -> bytes:
    """The body at ``url``: at most ``max_bytes``, within ``timeout`` seconds in all, hops checked."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_target(url, allowed_hosts)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise PreviewError("unreachable", f"the server answered {response.status_code}")
                    return _read_capped(response, max_bytes, deadline)
            except httpx.HTTPError as error:
                raise PreviewError("unreachable", f"{error.__class__.__name__}: {error}") from None
    raise PreviewError("unreachable", "too many redirects")


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PreviewError("too_large", f"{declared} bytes")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise PreviewError("too_large", f"more than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise PreviewError("unreachable", "the download took too long")
    return bytes(body)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"


def _table(rows) -> Table:
    """A Table from an iterator of rows: the first is the header; reads at most MAX_ROWS + 2 rows."""
    header, body, truncated = None, [], False
    for row in rows:
        cells = [_cell(v) for v in list(row)[:MAX_COLUMNS]]
        if header is None:
            header = cells
        elif len(body) < MAX_ROWS:
            body.append(cells)
        else:
            truncated = True
            break
    if header is None:
        raise PreviewError("broken", "the file is empty")
    return Table(header=header, rows=body, truncated=truncated)


def read_csv(data: bytes) -> Table:
    """The first rows of CSV bytes (UTF-8, with or without BOM, else Windows-1252), any common delimiter."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")
    if "\x00" in content[:4096]:
        raise PreviewError("broken", "this is not a text file")
    try:
        dialect = csv.Sniffer().sniff(content[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return _table(csv.reader(io.StringIO(content), dialect))
    except csv.Error as error:
        raise PreviewError("broken", f"CSV: {error}") from None


def read_xlsx(data: bytes, max_unpacked: int) -> Table:
    """The first rows of the first sheet of an XLSX workbook, read-only, values not formulas."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    damaged = (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError, TypeError, OSError,
               SyntaxError)  # SyntaxError covers the XML parser's ParseError
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_unpacked:
            raise PreviewError("too_large", f"unpacks to {unpacked} bytes")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except PreviewError:
        raise
    except damaged as error:
        raise PreviewError("broken", f"XLSX: {error.__class__.__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        table = _table(sheet.iter_rows(values_only=True))
        table.sheet = sheet.title
        return table
    except PreviewError:
        raise
    except damaged as error:  # a sheet can still be damaged past the archive check
        raise PreviewError("broken", f"XLSX: {error.__class__.__name__}") from None
    finally:
        workbook.close()


def build(resource: dict, *, max_bytes: int, timeout: float, allowed_hosts: set[str]) -> Table:
    """The preview table of a CSV or XLSX resource; PreviewError says why there is none."""
    kind = preview_format(resource)
    if kind is None:
        raise PreviewError("broken", "not a CSV or XLSX file")
    size = resource.get("size")
    if isinstance(size, int) and size > max_bytes:
        raise PreviewError("too_large", f"{size} bytes")
    data = fetch(resource.get("download_url") or resource["url"], max_bytes=max_bytes, timeout=timeout,
                 allowed_hosts=allowed_hosts)
    return read_csv(data) if kind == "CSV" else read_xlsx(data, max_unpacked=max_bytes * UNPACK_RATIO)
