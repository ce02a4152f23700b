"""Driving Debian's chromium with Playwright against the app on a loopback port.

Shared by the browser tests and by ``python -m benchmarks.screenshots``.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from catalog import config as settings
from tests.loopback import Files, serve
from tests.web_site import fill

CHROMIUM = os.environ.get("CATALOG_TEST_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
CSV_BODY = "kecamatan,kasus\nBlimbing,12\nKlojen,9\nKedungkandang,15\nSukun,7\nLowokwaru,11\n".encode()
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (npm ci --prefix tests/js)"
    return None


def launch(playwright):
    """Debian's chromium, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)


def files_app() -> Files:
    """The agency's file server: the CSV the dengue dataset links to, sent as an attachment."""
    return Files({"/files/dbd-2024.csv": (200, {"Content-Type": "text/csv",
                                                "Content-Disposition": 'attachment; filename="dbd-2024.csv"'},
                                          CSV_BODY)})


@contextlib.contextmanager
def live_site(home: str | None = None):
    """The app with the sample site on a loopback port; yields (base URL, records, app)."""
    from catalog.app import create_app

    folder = home or tempfile.mkdtemp(prefix="catalog-web-")
    try:
        with serve(files_app()) as files_url:
            allowed = files_url.split("://", 1)[1]
            config = settings.load({"HOME": folder, "PREVIEW_ALLOWED_HOSTS": allowed}, environ={})
            app = create_app(config)
            catalog = app.extensions["catalog"]
            catalog.init()
            records = fill(catalog, file_url=f"{files_url}/files/dbd-2024.csv")
            try:
                with serve(app) as base:
                    yield base, records, app
            finally:
                catalog.close()
    finally:
        if home is None:
            shutil.rmtree(folder, ignore_errors=True)


def page_types(records: dict) -> dict[str, str]:
    """One path of every page type, by a short name."""
    dengue = records["dengue"]
    csv_id = dengue["resources"][0]["id"]
    return {
        "home": "/",
        "search": "/dataset?q=sekolah",
        "search-filtered": "/dataset?organization=dispendik&tags=pendidikan",
        "dataset": f"/dataset/{dengue['name']}",
        "preview": f"/dataset/{dengue['name']}/resource/{csv_id}/preview",
        "organizations": "/organization",
        "organizations-search": "/organization?q=pendidikan",
        "organization": "/organization/dispendik",
        "not-found": "/dataset/tidak-ada",
    }
