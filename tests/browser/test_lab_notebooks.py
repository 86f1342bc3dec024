"""The workbook where analysts and trainers use it: every reference notebook in a real JupyterLab.

Each notebook is opened in a fresh workspace, run with the Kernel menu's "Restart Kernel and Run
All Cells", and read back from the page (``textContent``: JupyterLab does not paint off-screen
cells). Then the controls are used as a person would, and what the page shows is checked
against the library's own computation.
"""

from __future__ import annotations

import re

import pytest

from harness import screenshot
from naravard_lib import paths, strategies, transition
from naravard_lib.allocation import Scenario, what_if_table
from naravard_lib.formatting import format_sek
from naravard_lib.refresh import reference_notebooks

RAW_REPR = re.compile(r"\b(VBox|HBox|IntSlider|Dropdown|ToggleButtons)\(children=|\bLayout\(")
NOTEBOOKS = [p.relative_to(paths.NOTEBOOKS_DIR).as_posix() for p in reference_notebooks()]


def notebook_text(page) -> str:
    return page.evaluate("() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').textContent")


def widget_area(page, label: str):
    """The rendered widget output that contains the control labelled ``label``."""
    return page.locator(".jp-OutputArea-output", has=page.get_by_label(label, exact=True)).first


class Ran(dict):
    """Reference notebooks opened in a page of their own and run once, on first use: name → page."""

    def __init__(self, lab, context):
        super().__init__()
        self.lab, self.context = lab, context

    def __missing__(self, name):
        page = self.context.new_page()
        self.lab.open(page, name)
        self.lab.restart_and_run_all(page, name)
        self[name] = page
        return page


@pytest.fixture(scope="module")
def ran(lab, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    yield Ran(lab, context)
    context.close()


def wait_for_text(page, area, want: str, timeout: float = 10_000) -> None:
    """Wait until ``area`` shows ``want``; fail with what it shows instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("([el, want]) => el.textContent.includes(want)", arg=[area.element_handle(), want],
                               timeout=timeout)
    except PlaywrightTimeout:
        shown = " ".join(area.text_content().split())
        pytest.fail(f"the page never showed {want!r}; it shows: {shown[:300]!r}")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_errors_and_draws_its_widgets(ran, name):
    page = ran[name]
    text = notebook_text(page)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0, (
        page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").first.text_content())
    assert "Traceback" not in text and "Error" not in text
    assert not RAW_REPR.search(text), RAW_REPR.search(text).group(0)
    assert "[*]" not in text  # every cell ran
    screenshot(page, f"lab-{name.replace('/', '-').removesuffix('.ipynb')}")


def test_saved_notebook_shows_the_controls_before_it_is_run(lab, page):
    lab.open(page, "01_fordelning.ipynb")
    area = widget_area(page, "Länets pott (kr)")
    area.wait_for(timeout=20_000)
    assert area.get_by_label("Länets pott (kr)", exact=True).input_value().replace("\xa0", " ") == "28 921 974"
    assert "största skillnad mot publicerat: 0 kr" in area.text_content().replace("\xa0", " ")
    assert not RAW_REPR.search(notebook_text(page))


def enter(field, text: str) -> None:
    """Type ``text`` into a text box and press Enter, as a person does to submit it."""
    field.fill(text)
    field.press("Enter")


def test_what_if_starts_at_the_published_allocation(ran):
    area = widget_area(ran["01_fordelning.ipynb"], "Länets pott (kr)")
    assert area.get_by_label("Länets pott (kr)", exact=True).input_value().replace("\xa0", " ") == "28 921 974"
    assert "största skillnad mot publicerat: 0 kr" in area.text_content().replace("\xa0", " ")
    assert area.locator("figure[aria-label^='Stapeldiagram']").count() == 1 and area.locator("table").count() == 1


def test_what_if_follows_a_typed_pool_and_the_rounding_switch(ran):
    page = ran["01_fordelning.ipynb"]
    area = widget_area(page, "Länets pott (kr)")
    pool = area.get_by_label("Länets pott (kr)", exact=True)
    enter(pool, "30 000 000")
    expected = format_sek(what_if_table(Scenario(pool=30_000_000))["belopp"].sum())
    wait_for_text(page, area, f"Till kommunerna: {expected}")
    assert pool.input_value().replace("\xa0", " ") == "30 000 000"
    area.get_by_label("Avrundning", exact=True).select_option(label="Största rest (summerar exakt)")
    exact = format_sek(what_if_table(Scenario(pool=30_000_000, rounding="largest_remainder"))["belopp"].sum())
    assert exact != expected
    wait_for_text(page, area, f"Till kommunerna: {exact}")
    screenshot(page, "lab-whatif-changed", full_page=False)


def test_an_impossible_setting_leaves_only_the_explanation(ran):
    page = ran["01_fordelning.ipynb"]
    area = widget_area(page, "Länets pott (kr)")
    field = area.get_by_label("Avsatt digitalisering (kr)", exact=True)
    enter(field, "99 000 000")
    wait_for_text(page, area, "Går inte")
    assert area.locator("table").count() == 0 and area.locator("figure").count() == 0
    enter(field, "1 200 000")
    page.wait_for_function("el => el.querySelector('table') !== null", arg=area.element_handle(), timeout=10_000)


def test_initiative_filter_starts_at_alla_and_its_count_follows(ran):
    page = ran["02_forflyttning_2019_2023.ipynb"]
    area = widget_area(page, "Fokusområde")
    for label in ("Fokusområde", "Strategi"):
        shown = area.get_by_label(label, exact=True).evaluate("s => s.options[s.selectedIndex].text")
        assert shown == "Alla"
    everything = len(transition.filter_initiatives(distinct=True))
    assert f"{everything} insatser" in area.text_content()
    area.get_by_label("Strategi", exact=True).select_option(label="Strategi 2")
    expected = len(transition.filter_initiatives(strategi=2, distinct=True))
    wait_for_text(page, area, f"{expected} insatser")
    assert area.locator("tbody tr").count() == expected


def test_strategy_explorer_shows_the_chosen_quote(ran):
    page = ran["03_fyra_strategier.ipynb"]
    area = page.locator(".jp-OutputArea-output", has=page.get_by_role("button", name="Strategi 3")).first
    area.get_by_role("button", name="Strategi 3").click()
    quote = strategies.profile(3)["citat"]
    wait_for_text(page, area, quote)
