"""Screenshots of every page type at phone (360 px) and desktop width into docs/screenshots/.

Run: ``python -m benchmarks.screenshots`` (needs chromium at /usr/bin/chromium and the dev extra).
"""

import sys
from pathlib import Path

from tests import browser

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def take(out: Path = OUT) -> list[Path]:
    """Write ``<page type>-<phone|desktop>.png`` for every page type; returns the files written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with browser.live_site() as (base, records, _app), sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            for width_name, viewport in (("phone", browser.PHONE), ("desktop", browser.DESKTOP)):
                page = chromium.new_page(viewport=viewport)
                for name, path in browser.page_types(records).items():
                    page.goto(f"{base}{path}")
                    target = out / f"{name}-{width_name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                page.close()
        finally:
            chromium.close()
    return written


def main() -> int:
    reason = browser.missing()
    if reason:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    for path in take():
        print(path.relative_to(OUT.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
