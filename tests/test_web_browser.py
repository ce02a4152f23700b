"""The pages in a real browser: Debian's chromium driven by Playwright, the app on a loopback port.

Skips with the reason where chromium, playwright or axe-core is missing; under CI (any true CI value) it must run.
"""

import re

import pytest

from tests import browser as helpers
from tests.ci import missing

SERIOUS = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def chromium():
    reason = helpers.missing()
    if reason:
        missing(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = helpers.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(chromium, tmp_path_factory):
    with helpers.live_site(str(tmp_path_factory.mktemp("web-instance"))) as running:
        yield running


@pytest.fixture
def base(site):
    return site[0]


@pytest.fixture
def records(site):
    return site[1]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=helpers.PHONE, accept_downloads=True)
    page = context.new_page()
    page.csp_errors = []
    page.dialogs = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def test_a_search_is_narrowed_by_clicking_a_facet(page, base):
    page.goto(f"{base}/dataset")
    assert page.locator(".result-count").inner_text() == "4 dataset ditemukan"
    page.locator("#facet-organization + ul a", has_text="Dinas Pendidikan").click()
    page.wait_for_url(re.compile(r"organization=dispendik"))
    assert page.locator(".result-count").inner_text() == "2 dataset ditemukan"
    assert page.locator(".chip").inner_text().startswith("Produsen Data: Dinas Pendidikan")
    page.locator(".chip").click()
    page.wait_for_url(f"{base}/dataset")
    assert page.locator(".result-count").inner_text() == "4 dataset ditemukan"


def test_the_search_boxes_work_with_the_keyboard_and_are_named_for_screen_readers(page, base, records):
    page.goto(f"{base}/dataset/{records['dengue']['name']}")
    box = page.get_by_role("searchbox", name="Cari dataset lain")
    box.focus()
    page.keyboard.type("sekolah")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dataset\?q=sekolah"))
    assert page.locator(".result-count").inner_text() == "2 dataset ditemukan"

    page.goto(f"{base}/organization")
    assert page.get_by_role("search").count() == 1
    page.get_by_role("searchbox", name="Cari organisasi").fill("pendidikan")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/organization\?q=pendidikan"))
    assert page.locator(".card-title").all_inner_texts() == ["Dinas Pendidikan"]
    assert page.get_by_role("status").inner_text().startswith("1 organisasi cocok")
    assert page.get_by_role("searchbox", name="Cari organisasi").input_value() == "pendidikan"


def test_the_language_switch_changes_the_pages_and_is_remembered(page, base):
    page.goto(f"{base}/dataset/jumlah-sekolah-dasar")
    assert page.locator("h1").inner_text() == "Jumlah Sekolah Dasar per Kecamatan"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Primary Schools by District"
    page.goto(f"{base}/")
    assert page.get_by_role("button", name="Search").is_visible()
    page.get_by_role("link", name="Bahasa Indonesia").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Cari").is_visible()


def test_the_download_button_points_at_the_counted_download(page, base, records):
    dengue = records["dengue"]
    page.goto(f"{base}/dataset/{dengue['name']}")
    href = page.locator(".resource a.download").first.get_attribute("href")
    assert href == f"/dataset/{dengue['name']}/resource/{dengue['resources'][0]['id']}/download"


def test_a_download_reaches_the_file(page, base, records, site):
    app = site[2]
    if not any(str(rule).endswith("/download") for rule in app.url_map.iter_rules()):
        pytest.skip("this app has no counted download route (/dataset/<name>/resource/<id>/download)")
    page.goto(f"{base}/dataset/{records['dengue']['name']}")
    with page.expect_download() as caught:
        page.locator(".resource a.download").first.click()
    with open(caught.value.path(), "rb") as handle:
        assert handle.read() == helpers.CSV_BODY


def test_a_script_in_a_harvested_description_is_shown_as_text(page, base):
    page.goto(f"{base}/dataset/data-dengan-skrip")
    description = page.locator(".description")
    assert '<script>alert("xss")</script>' in description.inner_text()
    assert description.locator("script, img").count() == 0
    assert page.locator("strong", has_text="tebal").count() == 1
    assert page.dialogs == []


def test_keyboard_alone_reaches_and_follows_a_download(page, base, records):
    dengue = records["dengue"]
    target = f"/dataset/{dengue['name']}/resource/{dengue['resources'][0]['id']}/download"
    page.goto(f"{base}/dataset/{dengue['name']}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail("the download link was not reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused link shows a focus outline"
    with page.expect_request(lambda request: request.url.endswith(target)):
        page.keyboard.press("Enter")


def axe_violations(page) -> list[dict]:
    page.evaluate(helpers.AXE.read_text("utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"] if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_every_page_type_passes_axe_and_csp(page, base, records, width):
    page.set_viewport_size(helpers.PHONE if width == "phone" else helpers.DESKTOP)
    failures = {}
    for name, path in helpers.page_types(records).items():
        response = page.goto(f"{base}{path}")
        assert response.status == (404 if name == "not-found" else 200), name
        found = axe_violations(page)
        if found:
            failures[name] = found
        scroll = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.evaluate("window.innerWidth")
        assert scroll <= viewport, f"{name} scrolls sideways at {viewport}px ({scroll}px wide)"
    assert not failures, failures
    assert page.csp_errors == []
