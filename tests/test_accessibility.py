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
    assert failed == ['Sidans språk är angivet (lang="sv")', "Sidan har en titel",
                      "Rubriknivåerna hoppar inte över någon nivå", "Landmärken: sidhuvud, huvudinnehåll och sidfot",
                      "Länk för att hoppa till innehållet", "Varje bild har ett textalternativ (alt)",
                      "Varje tabell har en rubrik (caption)", "Tabellernas rubrikceller har scope",
                      "Sidan hämtar inget utanför filen"]


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
    assert "PDF/UA-1-identifikation i metadata (pdfuaid:part = 1)" in failed
    assert "Dokumentet är taggat (MarkInfo/Marked)" in failed
    pages.write_pdf(PDF_PAGE.replace(' alt="{alt}"', ""), tmp_path / "noalt.pdf")
    assert _failed(accessibility.pdf_checks(tmp_path / "noalt.pdf")) == ["Varje figur har alt-text i strukturträdet"]


def _measured():
    summary = accessibility.checks_summary([accessibility.Check("Sidans språk är angivet", True),
                                            accessibility.Check("Varje bild har ett textalternativ (alt)", False,
                                                                "1 bilder utan alt")])
    return accessibility.Measured({"Kommunrapporterna (webbsidor)": [summary]},
                                  {"Granskning i webbläsare (axe-core)": "görs av testerna."})


def test_the_statement_follows_digg_and_claims_only_what_was_measured():
    from bs4 import BeautifulSoup

    page = accessibility.statement_page(_measured(), "2026-11-25")
    soup = BeautifulSoup(page, features="html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert soup.html["lang"] == "sv" and soup.h1.text == "Tillgänglighetsredogörelse"
    assert [h.text for h in soup.find_all("h2")] == [
        "Vilken standard vi följer", "Hur tillgänglig webbplatsen är", "Vad den här byggningen mätte", "Kända brister",
        "Rapportera brister eller be om innehållet i annan form", "Tillsyn", "Hur vi testat webbplatsen"]
    assert "WCAG 2.1 nivå AA" in text and "EN 301 549" in text and "Digg" in text
    assert "1 av 2 kontroller uppfyllda" in text and "1 bilder utan alt" in text  # a failure is shown, not hidden
    assert "Alla krav som bygget kontrollerade var uppfyllda" not in text
    assert "Inte mätt i den här byggningen: görs av testerna." in text
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
