"""The build's own accessibility checks (HTML pages, PDF/UA-1 structure) and the statement they feed."""

from __future__ import annotations

import pytest

from naravard_lib import accessibility, pages

from test_pages import _notebook, needs_pdf

PDF_PAGE = ('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Nära vård i Aneby – kommunrapport'
            '</title></head><body><main><h1>Nära vård i Aneby</h1><p>Aneby får 478 810 kr.</p>'
            '<table><caption>Belopp</caption><thead><tr><th scope="col">År</th><th scope="col">Belopp</th></tr>'
            '</thead><tbody><tr><td>2024</td><td>478 810</td></tr></tbody></table>'
            '<figure><img alt="{alt}" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAD'
            'UlEQVR4nGNgAAIAAAUAAeIhvDMAAAAASUVORK5CYII="><figcaption>Källa: test</figcaption></figure>'
            '<p><a href="#x">länk</a></p></main></body></html>')


def _failed(checks):
    return [c.requirement for c in checks if not c.passed]


def test_a_report_page_and_the_index_pass_the_page_checks():
    from test_pages import _entries

    assert _failed(accessibility.page_checks(pages.report_html(_notebook()))) == []
    assert _failed(accessibility.page_checks(pages.index_page(_entries(), "2026-11-25 01:00", "abc"))) == []


def test_page_checks_name_what_is_wrong():
    bad = ('<html><head></head><body><h1>a</h1><h3>b</h3><img src="x.png"><table><tr><th>x</th></tr></table>'
           '<script src="https://cdn.example/x.js"></script></body></html>')
    failed = _failed(accessibility.page_checks(bad))
    assert failed == ["Sidans språk är angivet som svenska", "Sidan har en titel",
                      "Rubriknivåerna hoppar inte över någon nivå",
                      "Sidan är indelad i sidhuvud, huvudinnehåll och sidfot",
                      "Det finns en länk för att hoppa direkt till innehållet", "Varje bild har en textbeskrivning",
                      "Varje tabell har en rubrik",
                      "Tabellernas rubrikceller är kopplade till sina rader eller kolumner",
                      "Sidan hämtar inget från andra webbplatser och kör inga program"]


@needs_pdf
def test_the_pdf_meets_each_pdf_ua_requirement(tmp_path):
    pages.write_pdf(PDF_PAGE.format(alt="Stapeldiagram: Aneby får 478 810 kr."), tmp_path / "ua.pdf")
    checks = accessibility.pdf_checks(tmp_path / "ua.pdf")
    assert len(checks) == 9 and _failed(checks) == []
    import pikepdf

    with pikepdf.open(tmp_path / "ua.pdf") as pdf:  # the identification itself, as a validator reads it
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True and pdf.Root.MarkInfo.Marked is True


@needs_pdf
def test_pdf_checks_fail_a_plain_pdf_and_a_figure_without_alt(tmp_path):
    import weasyprint

    weasyprint.HTML(string=PDF_PAGE.format(alt="x")).write_pdf(tmp_path / "plain.pdf")  # untagged, no PDF/UA
    failed = _failed(accessibility.pdf_checks(tmp_path / "plain.pdf"))
    assert "PDF-filen anger att den följer standarden för tillgängliga PDF-filer" in failed
    assert "PDF-filen är märkt med struktur (taggad)" in failed
    pages.write_pdf(PDF_PAGE.replace(' alt="{alt}"', ""), tmp_path / "noalt.pdf")
    assert _failed(accessibility.pdf_checks(tmp_path / "noalt.pdf")) == ["Varje figur har en textbeskrivning"]


def _measured(image_passed=False, not_measured=True):
    summary = accessibility.checks_summary([
        accessibility.Check("Sidans språk är angivet som svenska", True, technical='lang="sv"'),
        accessibility.Check("Varje bild har en textbeskrivning", image_passed, "1 bilder utan textbeskrivning")])
    return accessibility.Measured({"Kommunrapporterna (webbsidor)": [summary]},
                                  {"Granskning i webbläsare": "görs av testerna."} if not_measured else {})


def _status(page):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    return " ".join(soup.find("h2", id="status").find_next("p").get_text(" ").split())


#: The words a member of the public cannot read; only the clearly labelled technical section may use them.
JARGON = ('lang="sv"', "MarkInfo", "DisplayDocTitle", "axe-core", "make test", "pdfuaid", "caption", "scope",
          "byggning", "--pdf", "pikepdf")


def test_the_statement_s_main_text_is_plain_swedish():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(accessibility.statement_page(_measured(), "2026-11-25"), features="html.parser")
    technical = soup.find("details")
    assert technical.summary.get_text().startswith("Teknisk information")
    assert 'lang="sv"' in technical.get_text() and "axe-core" in technical.get_text()  # kept, but set apart
    technical.extract()
    main = soup.find("main").get_text(" ")
    assert [word for word in JARGON if word in main] == []


def test_the_compliance_status_is_partial_unless_everything_was_measured_and_passed():
    ok = accessibility.statement_page(_measured(image_passed=True, not_measured=False), "2026-11-25")
    assert _status(ok).startswith("Den här webbplatsen är delvis förenlig med lagen (2018:1937) om tillgänglighet "
                                  "till digital offentlig service")  # the known shortcomings keep it partial
    failed = accessibility.statement_page(_measured(image_passed=False, not_measured=False), "2026-11-25")
    unmeasured = accessibility.statement_page(_measured(image_passed=True, not_measured=True), "2026-11-25")
    nothing = accessibility.statement_page(accessibility.Measured(), "2026-11-25")
    for page in (failed, unmeasured, nothing):
        assert "är delvis förenlig" in _status(page) and "på grund av de brister som beskrivs nedan" in _status(page)
    types = [{"passed": 2, "total": 2, "failed": []}]
    assert accessibility.compliance(types, {}, []) == "helt"
    assert accessibility.compliance(types, {"PDF": "inga PDF-filer"}, []) == "delvis"
    assert accessibility.compliance(types, {}, accessibility.KNOWN_SHORTCOMINGS) == "delvis"
    assert accessibility.compliance([{"passed": 1, "total": 2, "failed": ["x"]}], {}, []) == "delvis"
    assert accessibility.compliance([], {}, []) == "delvis"  # nothing measured is no evidence of compliance


def test_the_reflow_shortcoming_is_listed_with_its_reason():
    text = " ".join(accessibility.statement_page(_measured(), "2026-11-25").split())
    assert "320 pixlar" in text and "WCAG 1.4.10" in text and "breda statistiktabeller" in text


def test_the_statement_follows_digg_and_claims_only_what_was_measured():
    from bs4 import BeautifulSoup

    page = accessibility.statement_page(_measured(), "2026-11-25")
    soup = BeautifulSoup(page, features="html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert soup.html["lang"] == "sv" and soup.h1.text == "Tillgänglighetsredogörelse"
    assert [h.text for h in soup.find_all("h2")] == [
        "Vilken standard vi följer", "Hur tillgänglig webbplatsen är", "Vad som kontrollerades i den här körningen",
        "Kända brister",
        "Rapportera brister eller be om innehållet i annan form", "Tillsyn", "Hur vi testat webbplatsen"]
    assert "WCAG 2.1 nivå AA" in text and "EN 301 549" in text and "Digg" in text
    assert "1 av 2 kontroller uppfyllda" in text and "1 bilder utan textbeskrivning" in text  # shown, not hidden
    assert "var uppfyllda" not in text
    assert "Inte kontrollerat i den här körningen: görs av testerna." in text
    assert accessibility.PLACEHOLDERS["ansvarig"] in text and accessibility.PLACEHOLDERS["kontakt"] in text
    assert "2026-11-25" in text
    assert soup.find("a", href="tillganglighet.html") and accessibility.page_checks(page)


def test_the_publisher_s_details_replace_the_placeholders_escaped():
    page = accessibility.statement_page(_measured(), "2026-11-25", {"ansvarig": "Region <b>X</b>",
                                                                      "kontakt": "a@example.se"})
    assert "Region &lt;b&gt;X&lt;/b&gt;" in page and "a@example.se" in page and "fylls i av utgivaren" not in page
    assert _failed(accessibility.page_checks(page)) == []


def test_a_damaged_pdf_is_a_failed_check_not_an_error(tmp_path):
    pytest.importorskip("pikepdf")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.7 not really")
    assert _failed(accessibility.pdf_checks(tmp_path / "x.pdf")) == ["PDF-filen kan läsas"]
