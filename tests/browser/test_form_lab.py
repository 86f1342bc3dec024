"""The follow-up form where its user fills it in: notebook 04 in a real JupyterLab.

The notebook is run from the Kernel menu, one single-choice and one free-text answer are given
through the page, saved with the form's own button, and after a second "Restart Kernel and Run
All Cells" both are read back from the page and from the answers file.
"""

from __future__ import annotations

import json
import time

from playwright.sync_api import expect

from harness import axe_violations, screenshot

NOTEBOOK = "04_uppfoljning_formular.ipynb"
CHOICE = "Ja, men arbete pågår med att revidera målbilden"
TEXT = "Systemledningen följer upp i Reko & med Länsbarometern <varje kvartal>."


def _item(page, item_id: str):
    """The rendered box of one question (the widget gives it the class ``naravard-fraga-<id>``)."""
    return page.locator(f".naravard-fraga-{item_id}").first


def _answers_file(lab):
    # The notebook's MAPP is "../uppfoljning", counted from the notebook: beside the lab's scratch notebooks/.
    return lab.root.parent / "uppfoljning" / "jonkopings-lan.json"


def _wait_for_file(path, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        time.sleep(0.1)
    raise AssertionError(f"{path} was not written")


def test_fill_in_save_rerun_and_find_both_answers(lab, page):
    answers = _answers_file(lab)
    answers.unlink(missing_ok=True)
    lab.open(page, NOTEBOOK)
    lab.restart_and_run_all(page, NOTEBOOK)

    question_1 = _item(page, "1")
    question_1.wait_for(timeout=30_000)
    shown = question_1.text_content()  # the proposal's strength and why no option is proposed (issue 19)
    assert "Underlagets styrka: tolkning" in shown and "Inget alternativ föreslås" in shown
    assert "Underlagets styrka: inget underlag" in _item(page, "16b").text_content()
    question_1.get_by_label(CHOICE, exact=True).check()
    _item(page, "3").locator("textarea").fill(TEXT)
    status = page.locator("p[role='status']")  # re-queried: the widget replaces the element on each message
    expect(status).to_contain_text("Osparade", timeout=10_000)
    page.get_by_role("button", name="Spara").first.click()
    expect(status).to_contain_text("Sparat", timeout=10_000)
    saved = _wait_for_file(answers)
    assert saved["svar"]["1"]["val"] == CHOICE and saved["svar"]["3"]["text"] == TEXT
    screenshot(page, "lab-form-filled", full_page=False)

    lab.restart_and_run_all(page, NOTEBOOK)
    question_1 = _item(page, "1")
    question_1.wait_for(timeout=30_000)
    assert question_1.get_by_label(CHOICE, exact=True).is_checked()
    assert not question_1.get_by_label("Ja", exact=True).is_checked()
    assert _item(page, "3").locator("textarea").input_value() == TEXT
    expect(page.locator("p[role='status']")).to_contain_text("2 av 25 frågor besvarade")
    question_1.scroll_into_view_if_needed()
    screenshot(page, "lab-form-resumed", full_page=False)
    problems = axe_violations(page, ".naravard-fraga-1")
    assert not [p for p in problems if p["impact"] in ("serious", "critical")], problems


def test_the_exported_document_reads_well_and_passes_axe(page, tmp_path):
    from naravard_lib import form

    answers = form.draft_answers("Jönköpings län")
    answers.set_comment("4", "Svar med <b>tecken</b> & citat")
    html_file = form.export(answers, tmp_path)[1]
    page.goto(html_file.as_uri())
    assert page.locator("h1").count() == 1 and page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h3").count() == 25
    assert "Svar med <b>tecken</b> & citat" in page.locator("#fraga-4 + .svar").text_content()
    assert "Underlagets styrka: tolkning" in page.locator("#fraga-1 + .svar").text_content()
    assert page.locator("#underlag + p + ul li").count() > 20
    assert axe_violations(page) == []
    screenshot(page, "form-export", full_page=False)
