"""The dashboard where its users see it: Voilà serving ``notebooks/oversikt.ipynb`` to chromium.

Voilà is started as ``make dashboard`` starts it (:func:`naravard_lib.dashboard_server.voila_command`), on a
free loopback port, with Jupyter's runtime files in a temp folder. The page is read as a reader
sees it and used with the keyboard and mouse; what it shows is checked against the library.
Timings are not asserted here: ``benchmarks/dashboard.py`` measures them.
"""

from __future__ import annotations

import re

import pytest

from harness import axe_violations, free_port, screenshot, start_server, stop_server
from naravard_lib import dashboard, dashboard_server
from naravard_lib.allocation import Scenario, what_if_table
from naravard_lib.formatting import format_sek

#: What must never be visible: code, Python reprs, errors.
PYTHON = re.compile(r"Traceback|Error|\bimport |naravard_lib|Dashboard\(|QUERY_STRING|object at 0x|"
                    r"\b(VBox|HBox|IntSlider|Dropdown|ToggleButtons|HTML|Layout)\(|\bnan\b|\bNone\b|<NA>")
#: axe-core findings that belong to ipywidgets' own controls, not to the dashboard's content:
#: the slider handle (a ``div role="slider"`` drawn by noUiSlider) has no accessible name, because
#: ipywidgets labels the slider's ``<label>``, not its handle. Each such slider carries a visible
#: label (checked below); the rule is listed in the report to the lead.
IPYWIDGETS_RULES = {"aria-input-field-name": "noUi-handle"}


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """The dashboard served by Voilà on 127.0.0.1 (one pre-heated kernel); its address."""
    home = tmp_path_factory.mktemp("voila")
    port = free_port()
    env = dashboard_server.environment()
    env.update(JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_DATA_DIR=str(home / "data"), TMPDIR=str(home))
    url = f"http://127.0.0.1:{port}"
    proc = start_server(dashboard_server.voila_command(port=port), f"{url}/voila/templates/lab/static/index.css",
                        env=env, timeout=90, log=home / "voila.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def opened(voila, browser):
    """One visitor's page at the plain address (Jönköping), with every request it made."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{voila}/")
    page.get_by_role("heading", name="Nyckeltal för Jönköping").wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    yield page, requests
    context.close()


def _text(page) -> str:
    return page.evaluate("() => document.body.innerText").replace("\xa0", " ")  # the page keeps no-break spaces


def _wait_for_text(page, text: str, timeout: float = 15_000) -> None:
    page.wait_for_function("want => document.body !== null && document.body.innerText.replace(/\\u00a0/g, ' ')"
                           ".includes(want)", arg=text.replace("\xa0", " "), timeout=timeout)


def test_the_page_is_swedish_offline_and_shows_no_code(opened):
    page, requests = opened
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.title() == dashboard.PAGE_TITLE
    assert "Översikten laddas" in page.content()  # the project's template, with its Swedish loading text
    assert page.get_by_role("heading", level=1).all_text_contents() == [f"{dashboard.title()}¶"]
    text = _text(page)
    assert not PYTHON.search(text), PYTHON.search(text).group(0)
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor, .jp-InputPrompt").count() == 0
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    outside = sorted({u for u in requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))})
    assert outside == [], outside
    # every figure and table has its source line under it
    assert page.locator(".naravard-kalla").count() == 4
    assert all(line.startswith("Källa: ") and "(avsnitt" in line
               for line in page.locator(".naravard-kalla").all_text_contents())
    assert page.locator("table caption").count() >= 4 and page.locator("img:not([alt])").count() == 0
    # numbers in the Swedish style, e.g. Jönköping's 2024 amount and share
    assert "Jönköping fick 10 234 342 kr" in text and "39,63 %" in text
    screenshot(page, "dashboard", full_page=False)


def test_axe_finds_nothing_in_the_dashboard_s_own_content(opened):
    page, _ = opened
    violations = axe_violations(page)
    own = [v for v in violations
           if not (v["id"] in IPYWIDGETS_RULES and all(IPYWIDGETS_RULES[v["id"]] in n for n in v["nodes"]))]
    assert own == [], own
    # the sliders axe names are ipywidgets' handles; each one sits beside a visible label
    labels = page.locator(".widget-slider").evaluate_all(
        "els => els.map(el => (el.querySelector('label') || {}).textContent || '')")
    assert labels and all(label.strip() for label in labels), labels


def test_choosing_habo_shows_its_2024_amount(opened):
    page, _ = opened
    page.get_by_label("Välj kommun", exact=True).select_option("Habo")
    page.get_by_role("heading", name="Nyckeltal för Habo").wait_for(timeout=15_000)
    _wait_for_text(page, "Habo fick 927 826 kr")
    _wait_for_text(page, "som omfattar Habo")
    text = _text(page)
    assert "927 826" in text and "9 av 13" in text and "Nyckeltal för Jönköping" not in text
    what_if = page.locator("table", has=page.get_by_text("Nära vård 2024 i scenariot"))
    assert what_if.locator("thead th").first.text_content() == "Kommun"
    assert what_if.locator("tbody tr", has=page.get_by_role("cell", name="Habo", exact=True)).count() == 1


def test_the_what_if_total_follows_the_pool(opened):
    page, _ = opened
    pool = page.get_by_label("Länets pott (kr)", exact=True)
    assert pool.input_value().replace("\xa0", " ") == "28 921 974"
    _wait_for_text(page, "största skillnad mot publicerat: 0 kr")
    pool.fill("30 000 000")
    pool.press("Enter")
    expected = format_sek(what_if_table(Scenario(pool=30_000_000))["belopp"].sum())
    _wait_for_text(page, f"Till kommunerna: {expected}")
    assert pool.input_value().replace("\xa0", " ") == "30 000 000"


def test_the_address_chooses_aneby(voila, page):
    page.goto(f"{voila}/?kommun=Aneby")
    page.get_by_role("heading", name="Nyckeltal för Aneby").wait_for(timeout=90_000)
    _wait_for_text(page, "Aneby fick 478 810 kr")
    choice = page.get_by_label("Välj kommun", exact=True)
    assert choice.evaluate("s => s.options[s.selectedIndex].text") == "Aneby"
    _wait_for_text(page, "som omfattar Aneby")
    text = _text(page)
    assert "1,85 %" in text and "13 av 13" in text and not PYTHON.search(text)


def test_an_unknown_municipality_in_the_address_is_explained(voila, page):
    page.goto(f"{voila}/?kommun=Habbo")
    page.get_by_role("heading", name="Nyckeltal för Jönköping").wait_for(timeout=90_000)
    _wait_for_text(page, "Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?). "
                         "Sidan visar Jönköping.")
