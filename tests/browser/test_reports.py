"""The published reports as a reader opens them: axe-core (WCAG 2.1 A and AA), no request outside the file,
keyboard navigation and the print view, in Debian's chromium.

Three reports and the index are built once for the module, into a temp folder: Aneby (smallest amount,
darkest on the map, rural), Habo (its name is moved on the map) and Jönköping (largest, named initiatives).
The reports differ only in their numbers and rows, so three cover the template; set
``NARAVARD_ALL_REPORTS=1`` to build and check all 13 (about a minute and a half on two busy cores).
"""

from __future__ import annotations

import os

import pytest

from harness import axe_violations, screenshot
from naravard_lib import batch
from naravard_lib.parameters import select
from naravard_lib import municipalities


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    chosen = None if os.environ.get("NARAVARD_ALL_REPORTS") == "1" else ["aneby", "habo", "jonkoping"]
    results = batch.build(select(chosen), out, workers=2, show_progress=False)
    assert [r.kommun for r in results if not r.ok] == [], [r.error for r in results if not r.ok]
    return out


def _slugs(site):
    return sorted(path.stem for path in site.glob("*.html") if path.stem not in ("index", "tillganglighet"))


def test_index_and_every_report_have_no_axe_violations(site, page):
    found = {}
    assert len(_slugs(site)) in (3, len(municipalities.names()))
    for name in ["index", *_slugs(site)]:
        page.goto((site / f"{name}.html").as_uri())
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_nothing_is_requested_outside_the_file(site, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for name in ("index", "aneby", "jonkoping"):
        page.goto((site / f"{name}.html").as_uri(), wait_until="networkidle")
    outside = [url for url in requested if not url.startswith(("file://", "data:"))]
    assert outside == [] and any(url.endswith("aneby.html") for url in requested)


def test_report_reads_with_the_keyboard_and_links_back(site, page):
    page.goto((site / "habo.html").as_uri())
    assert page.title() == "Nära vård i Habo – kommunrapport"
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Hoppa till innehållet" and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "innehall"
    figure = page.locator("figure img").first
    assert figure.get_attribute("alt").replace("\xa0", " ").startswith("Stapeldiagram: Nära vård 2024 per kommun. Habo får 927 826 kr")
    assert page.locator("figure img").nth(1).get_attribute("alt").startswith("Karta över Jönköpings läns")
    screenshot(page, "report-habo")
    page.get_by_role("navigation", name="Du är här").get_by_role("link", name="Alla kommunrapporter").click()
    assert page.url.endswith("/index.html")
    assert page.get_by_role("link", name="Habo", exact=True).is_visible()


def test_index_shows_the_build_and_the_lan_total(site, page):
    page.goto((site / "index.html").as_uri())
    assert page.locator("dl.meta").inner_text().count("\n") >= 2
    total = page.locator("tfoot tr").inner_text().replace("\xa0", " ")  # the page keeps no-break spaces
    assert "Hela länet (13 kommuner)" in total and "25 821 973" in total
    assert page.locator("tbody tr").count() == len(_slugs(site))
    assert page.get_by_role("link", name="summary.csv").get_attribute("href") == "summary.csv"
    screenshot(page, "reports-index")


def test_print_view_hides_navigation_and_keeps_the_figures(site, page):
    page.goto((site / "aneby.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator("nav.toc").is_visible() and not page.locator(".skip-link").is_visible()
    assert page.locator("figure img").count() == 2 and page.locator("h1").inner_text() == "Nära vård i Aneby"


def test_the_accessibility_statement_has_no_axe_violations_and_every_page_links_it(site, page):
    page.goto((site / "tillganglighet.html").as_uri())
    assert page.title().startswith("Tillgänglighetsredogörelse")
    assert axe_violations(page) == []
    assert page.get_by_role("heading", level=1).inner_text() == "Tillgänglighetsredogörelse"
    assert "WCAG 2.1 nivå AA" in page.locator("main").inner_text()
    screenshot(page, "tillganglighet")
    for name in ("index", "aneby"):
        page.goto((site / f"{name}.html").as_uri())
        page.locator("footer").get_by_role("link", name="Tillgänglighetsredogörelse").click()
        assert page.url.endswith("/tillganglighet.html")
    page.goto((site / "index.html").as_uri())
    assert page.get_by_role("link", name="Aneby Kalkylblad").get_attribute("href") == "aneby.xlsx"
    assert page.get_by_role("link", name="Aneby Datapaket").get_attribute("href") == "aneby.datapaket.zip"
