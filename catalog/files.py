"""Where uploaded resource files live, and where the files of removed resources go.

A file is stored under ``HOME/uploads/<dataset id>/<resource id>/<file name>``, so a download can only
ever reach a file of the dataset it is asked through. When a resource leaves its dataset (deleted,
replaced by a link, or its dataset deleted), its folder moves to ``HOME/uploads-removed/`` with the
same layout: out of reach of every request, kept for an operator to inspect or purge, and brought
back when a deleted dataset is restored.
"""

import logging
import shutil
from pathlib import Path

from werkzeug.utils import secure_filename

log = logging.getLogger(__name__)

STORED = "uploads"
REMOVED = "uploads-removed"


def _part(value: str) -> str:
    part = secure_filename(value or "")
    if not part or part != value:
        raise ValueError(f"not a safe path component: {value!r}")
    return part


def folder(home: str, dataset_id: str, resource_id: str, *, area: str = STORED) -> Path:
    """The folder that holds the file of resource ``resource_id`` of dataset ``dataset_id``."""
    return Path(home) / area / _part(dataset_id) / _part(resource_id)


def stored_file(home: str, dataset_id: str, resource_id: str, filename: str) -> Path | None:
    """The stored file of an uploaded resource of this dataset, or None when there is none."""
    try:
        path = folder(home, dataset_id, resource_id) / secure_filename(filename or "")
    except ValueError:
        return None
    return path if path.is_file() else None


def _move(source: Path, target: Path) -> None:
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    source.rename(target)


def set_aside(home: str, dataset_id: str, resource_ids) -> None:
    """Move the files of these resources out of reach (into the removed area)."""
    for resource_id in resource_ids:
        try:
            _move(folder(home, dataset_id, resource_id), folder(home, dataset_id, resource_id, area=REMOVED))
        except (OSError, ValueError) as error:
            log.error("file of resource %s (dataset %s) not set aside: %s", resource_id, dataset_id, error)


def bring_back(home: str, dataset_id: str, resource_ids) -> None:
    """Return set-aside files of these resources (a restored dataset's uploads) to where downloads find them."""
    for resource_id in resource_ids:
        try:
            _move(folder(home, dataset_id, resource_id, area=REMOVED), folder(home, dataset_id, resource_id))
        except (OSError, ValueError) as error:
            log.error("file of resource %s (dataset %s) not brought back: %s", resource_id, dataset_id, error)


def uploaded_ids(record: dict | None) -> set[str]:
    """Ids of the resources of ``record`` whose file the catalog stores."""
    resources = (record or {}).get("resources") or []
    return {r["id"] for r in resources if isinstance(r, dict) and r.get("url_type") == "upload" and r.get("id")}


def adopt_earlier_layout(home: str, records) -> int:
    """Move files stored by earlier versions (``uploads/<resource id>/<file>``) under their dataset.

    ``records`` are every dataset record (any state). A folder no upload resource claims is set
    aside in the removed area, never left where a request could reach it. Returns how many moved.
    """
    root = Path(home) / STORED
    if not root.is_dir():
        return 0
    earlier = {p.name: p for p in root.iterdir() if p.is_dir() and any(c.is_file() for c in p.iterdir())}
    if not earlier:
        return 0
    moved = 0
    for record in records:
        for resource_id in uploaded_ids(record) & set(earlier):
            area = STORED if record.get("state") == "active" else REMOVED
            _move(earlier.pop(resource_id), folder(home, record["id"], resource_id, area=area))
            moved += 1
    for resource_id, path in earlier.items():
        _move(path, Path(home) / REMOVED / "unclaimed" / resource_id)
    return moved
