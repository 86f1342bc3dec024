"""Report and index pages, and their PDFs."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from naravard_lib import pages

#: Reading a PDF back takes poppler-utils (pdftotext, pdfinfo, pdffonts); `make test` installs it as root.
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdffonts"))
needs_pdf = pytest.mark.skipif(pages.pdf_unavailable_reason() is not None or not POPPLER,
                               reason=f"PDF engine unavailable: {pages.pdf_unavailable_reason()}" if POPPLER
                               else "poppler-utils (pdftotext) is not installed; `apt-get install poppler-utils`")


def pdf_objects(path: Path) -> bytes:
    """The PDF's bytes with every Flate stream decompressed (catalog entries sit in object streams)."""
    raw = path.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@needs_pdf
def test_write_pdf_carries_title_language_and_embedded_fonts(tmp_path):
    target = tmp_path / "aneby.pdf"
    pages.write_pdf('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Nära vård i Aneby – '
                    'kommunrapport</title></head><body><p>Aneby får 478 810 kr.</p></body></html>', target)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Title:           Nära vård i Aneby – kommunrapport" in info
    assert "Tagged:          yes" in info
    assert b"/Lang (sv)" in pdf_objects(target)
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert "478 810 kr" in _plain(pdf_text(target))
    assert [p.name for p in tmp_path.iterdir()] == ["aneby.pdf"]  # no temporary file left behind


@needs_pdf
def test_write_pdf_loads_nothing_from_outside(tmp_path, monkeypatch):
    import urllib.request

    asked = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: asked.append(url))
    pages.write_pdf('<html lang="sv"><head><title>t</title><link rel="stylesheet" href="https://cdn.example/x.css">'
                    '</head><body><img alt="x" src="https://cdn.example/x.png"><p>text</p></body></html>',
                    tmp_path / "x.pdf")
    assert asked == [] and (tmp_path / "x.pdf").stat().st_size > 0


def test_pdf_unavailable_reason_names_the_missing_piece(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    reason = pages.pdf_unavailable_reason()
    assert reason is not None and "\n" not in reason
    assert "libpango-1.0-0" in reason and "Debian packages" in reason
    with pytest.raises(RuntimeError, match="libpango"):
        pages.write_pdf("<html></html>", Path("/nonexistent/never.pdf"))


# ------------------------------------------------------------------ the report page

def _notebook(rubrik: str = "", alt: str = "Stapeldiagram: Aneby får 478 810 kr, minst i länet."):
    """A small executed report as papermill leaves it: parameters in the metadata, outputs in the cells."""
    import base64

    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from naravard_lib import report

    png = base64.b64encode(
        bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")).decode()
    table = report.html_table(report.overview_table("Aneby"), left=("Period", "Insatsområde"), name="belopp",
                              caption=report.overview_caption("Aneby"))
    cells = [
        new_code_cell("x = 1", outputs=[new_output("display_data", {"text/html": report.heading_html("Aneby", rubrik)})]),
        new_markdown_cell("## Sammanfattning\n\nText."),
        new_code_cell("t", outputs=[new_output("display_data", {"text/html": table})]),
        new_code_cell("f", outputs=[new_output("display_data", {"image/png": png, "text/plain": alt},
                                               metadata={"image/png": {"alt": alt, "width": 500,
                                                                       "caption": "Källa: seed 000"}})]),
        new_markdown_cell("## Om rapporten\n\nKällor."),
        new_code_cell("k", outputs=[new_output("execute_result", {"application/json": {"a": 1}}, execution_count=1)],
                      metadata={"tags": ["key-figures"]}),
    ]
    notebook = new_notebook(cells=cells, metadata={"papermill": {"parameters": {"kommun": "Aneby", "rubrik": rubrik,
                                                                                 "visa_karta": True}}})
    return notebook


def _plain(text) -> str:
    """``text`` with no-break spaces read as spaces (the output keeps them; the test compares words)."""
    return str(text).replace("\xa0", " ")


def _soup(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, features="html.parser")


def test_report_page_is_swedish_titled_and_navigable():
    page = pages.report_html(_notebook())
    soup = _soup(page)
    assert soup.html["lang"] == "sv"
    assert soup.title.string == "Nära vård i Aneby – kommunrapport"
    assert soup.find("header") and soup.find("main") and soup.find("footer")
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == "#innehall" and soup.find(id="innehall").name == "main"
    crumbs = soup.find("nav", attrs={"aria-label": "Du är här"})
    assert crumbs.find("a")["href"] == "index.html" and crumbs.find(attrs={"aria-current": "page"}).text == "Aneby"
    contents = soup.find("nav", class_="toc")
    assert [a.text for a in contents.find_all("a")] == ["Sammanfattning", "Om rapporten"]
    assert all(soup.find(id=a["href"][1:]) for a in contents.find_all("a"))
    assert len(soup.find_all("h1")) == 1
    assert "nara_vard" not in page and '"a": 1' not in page  # the key-figures cell is removed


def test_report_page_loads_nothing_and_runs_nothing():
    soup = _soup(pages.report_html(_notebook()))
    assert soup.style.string.strip() == pages.page_css().strip()
    assert not soup.find_all(["script", "link", "iframe"])
    for element in soup.find_all(src=True):
        assert element["src"].startswith("data:"), element["src"][:80]
    published = {"index.html", "tillganglighet.html", "aneby.xlsx", "aneby.datapaket.zip"}  # beside it in the folder
    for element in soup.find_all(href=True):
        assert element["href"].startswith("#") or element["href"] in published, element["href"]
    assert "@import" not in str(soup) and "url(http" not in str(soup)


def test_report_figures_carry_the_alt_text_and_caption_from_their_metadata():
    soup = _soup(pages.report_html(_notebook()))
    figure = soup.find("figure")
    assert figure.img["alt"] == "Stapeldiagram: Aneby får 478 810 kr, minst i länet."
    assert figure.img["width"] == "500" and figure.figcaption.text == "Källa: seed 000"
    assert "No description has been provided" not in str(soup)


def test_report_tables_have_captions_and_scoped_headers():
    soup = _soup(pages.report_html(_notebook()))
    table = soup.find("table")
    assert table.caption.text.startswith("Aneby: statsbidraget per period")
    headers = table.find_all("th")
    assert headers and all(th["scope"] == "col" for th in headers)
    assert "num" in table.find("td", string="478\xa0810")["class"]  # the formatter's no-break space


def test_rubrik_is_escaped_in_heading_and_title():
    rubrik = '<img src=x onerror=alert(1)> Aneby & "vi"'
    page = pages.report_html(_notebook(rubrik))
    soup = _soup(page)
    assert soup.h1.text == rubrik  # shown as typed
    assert not soup.find("img", src="x") and "<img src=x" not in page
    assert soup.title.string == f"{rubrik} – kommunrapport"


def test_report_title_names_the_municipality():
    assert pages.report_title("Aneby") == "Nära vård i Aneby – kommunrapport"
    assert pages.report_title("Eksjö", "Statsbidraget i år") == "Statsbidraget i år – kommunrapport för Eksjö"


# ------------------------------------------------------------------ the index

def _entries():
    from naravard_lib import report

    return [pages.IndexEntry("Aneby", "aneby", "ny", figures=report.key_figures("Aneby"), has_pdf=True),
            pages.IndexEntry("Habo", "habo", "fel", error="PapermillExecutionError: <b>kaputt</b>"),
            pages.IndexEntry("Eksjö", "eksjo", "tidigare", figures=report.key_figures("Eksjö"),
                             built_at="2026-11-24 10:00")]


def test_index_shows_build_date_data_version_and_summary_link():
    soup = _soup(pages.index_page(_entries(), "2026-11-25 01:00", "abc1234"))
    assert soup.html["lang"] == "sv" and soup.title.string == "Nära vård i Jönköpings län – kommunrapporter"
    meta = soup.find("dl").get_text(" ", strip=True)
    assert "2026-11-25 01:00" in meta and "abc1234" in meta
    assert soup.find("a", href="summary.csv")
    assert soup.find("a", class_="skip-link")["href"] == "#innehall" and soup.find("main")["id"] == "innehall"
    assert not soup.find_all(["script", "link"])
    assert soup.style.string.strip() == pages.page_css().strip()  # the same stylesheet as the reports, unescaped


def test_index_links_each_report_and_its_pdf_and_lists_failures_plainly():
    page = pages.index_page(_entries(), "2026-11-25 01:00", "abc1234")
    soup = _soup(page)
    assert '<a href="aneby.html">Aneby</a>' in page
    assert soup.find("a", href="aneby.pdf") and not soup.find("a", href="eksjo.pdf")
    assert not soup.find("a", href="habo.html")
    rows = {tr.th.get_text(strip=True): tr for tr in soup.tbody.find_all("tr")}
    assert _plain(rows["Aneby"].find_all("td")[0].text) == "478 810"
    assert "Ny" in rows["Aneby"].get_text() and "Misslyckades" in rows["Habo"].get_text()
    assert "Från tidigare körning (2026-11-24 10:00)" in rows["Eksjö"].get_text()
    failures = soup.find("section", attrs={"aria-labelledby": "fel-rubrik"})
    assert failures.h2.text == "1 rapport blev inte klar"
    assert "Habo: PapermillExecutionError: <b>kaputt</b>" in failures.get_text()  # escaped, shown as text
    assert "<b>kaputt</b>" not in page


def test_index_has_a_lan_total_row():
    soup = _soup(pages.index_page(_entries(), "2026-11-25 01:00", ""))
    total = soup.find("tfoot").tr
    assert total.th.text == "Hela länet (13 kommuner)" and total.th["scope"] == "row"
    cells = [_plain(td.text) for td in total.find_all("td")]
    assert cells[:4] == ["25 821 973", "69,94", "100,00 %", "−1 484 848"]
    assert "okänd" in soup.find("dl").get_text()  # no git version: said so, not left blank


def test_index_without_failures_has_no_failure_section():
    soup = _soup(pages.index_page(_entries()[:1], "2026-11-25 01:00", "abc1234"))
    assert not soup.find(id="fel-rubrik")


def test_index_and_report_link_the_downloads_and_the_statement():
    entries = _entries()
    entries[0].downloads = pages.download_links("aneby")
    soup = _soup(pages.index_page(entries, "2026-11-25 01:00", "abc1234"))
    for href in ("aneby.xlsx", "aneby.datapaket.zip", "lanet.xlsx", "summary_sv.csv", "SHA256SUMS"):
        assert soup.find("a", href=href), href
    assert not soup.find("a", href="eksjo.xlsx")  # only what is on disk (describe_folder fills it)
    assert soup.find("a", href="aneby.xlsx")["aria-label"] == "Aneby Kalkylblad"
    report = _soup(pages.report_html(_notebook()))
    footer = report.find("footer")
    assert [a["href"] for a in footer.find_all("a")] == ["aneby.xlsx", "aneby.datapaket.zip", "tillganglighet.html"]


def test_a_heading_that_ends_its_cell_moves_to_the_start_of_the_next_one():
    notebook = _notebook()
    notebook.cells[1].source = "Inledning.\n\n## Sammanfattning"  # the cell ends with its heading
    soup = _soup(pages.report_html(notebook))
    heading = soup.find("h2", id="Sammanfattning")
    first = soup.find("p", string="Inledning.").find_parent("div", class_="jp-Cell")
    assert "ends-with-heading" in first["class"] and heading.find_parent("div", class_="jp-Cell") is not first
    assert heading.find_next_sibling("table") is not None  # in print it stays with the table that follows
    assert [a.text for a in soup.find("nav", class_="toc").find_all("a")] == ["Sammanfattning", "Om rapporten"]
