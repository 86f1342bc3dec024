"""A built folder as a reader receives it: spreadsheets, data packages, the Swedish CSV, PDF/UA-1 PDFs,
the accessibility statement and SHA256SUMS, all linked from the pages.

Aneby and Habo are built once for the module, with PDFs (two workers).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from naravard_lib import accessibility, batch, downloads, pages
from naravard_lib.parameters import select

from test_pages import POPPLER, needs_pdf

pytestmark = pytest.mark.slow
PER_REPORT = ("html", "ipynb", "pdf", "xlsx", "datapaket.zip")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pdf = pages.pdf_unavailable_reason() is None
    results = batch.build(select(["aneby", "habo"]), out, workers=2, show_progress=False, pdf=pdf)
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    return out


def _soup(path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), features="html.parser")


def test_every_report_has_its_downloads_linked_from_it_and_from_the_index(built):
    index = _soup(built / "index.html")
    for slug in ("aneby", "habo"):
        for kind in ("xlsx", "datapaket.zip"):
            assert (built / f"{slug}.{kind}").stat().st_size > 1000
            assert index.find("a", href=f"{slug}.{kind}"), kind
            assert _soup(built / f"{slug}.html").find("footer").find("a", href=f"{slug}.{kind}"), kind
    for name in ("lanet.xlsx", "summary_sv.csv", "summary.csv"):
        assert index.find("a", href=name), name
    for page in ("index.html", "aneby.html", "habo.html", "tillganglighet.html"):
        assert _soup(built / page).find("footer").find("a", href="tillganglighet.html"), page


def test_sha256sums_covers_every_published_file_and_verifies(built):
    listed = [line.split("  ", 1)[1] for line in (built / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    published = sorted(p.name for p in built.iterdir() if p.is_file() and not p.name.startswith("."))
    assert listed == [name for name in published if name != "SHA256SUMS"]
    assert {f"aneby.{kind}" for kind in PER_REPORT if kind != "pdf" or (built / "aneby.pdf").exists()} <= set(listed)
    if shutil.which("sha256sum"):
        run = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=built, capture_output=True, text=True)
        assert run.returncode == 0 and run.stdout.count(": OK") == len(listed), run.stdout + run.stderr


def test_the_swedish_csv_opens_into_the_right_columns(built):
    raw = (built / "summary_sv.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads å, ä, ö right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Kommun", "Status", "År", "Nära vård (kr)"] and all(len(r) == len(header) for r in rows)
    aneby = dict(zip(header, rows[1], strict=True))
    assert aneby["Kommun"] == "Aneby" and aneby["År"] == "2024" and aneby["Nära vård (kr)"] == "478810"
    assert aneby["Nära vård per invånare (kr)"] == "69,94" and aneby["Andel av länets medel"] == "1,85"
    assert aneby["Föregående år"] == "2023" and aneby["Flerårsperiod"] == "2019-2022"
    assert aneby["Landsbygdskommun"] == "ja"
    machine = list(csv.DictReader(io.StringIO((built / "summary.csv").read_text(encoding="utf-8"))))
    assert machine[0]["per_invanare"] == "69.94" and not (built / "summary.csv").read_bytes().startswith(b"\xef")


def test_the_lan_spreadsheet_holds_the_key_figures_and_every_allocation_table(built):
    book = openpyxl.load_workbook(built / "lanet.xlsx")
    assert book.sheetnames == ["Om tabellerna", "Nyckeltal per kommun", "Fördelning 2019-2022", "Fördelning 2023",
                               "Fördelning 2024"]
    figures = book["Nyckeltal per kommun"]
    rows = {r[0]: r for r in figures.iter_rows(min_row=5, values_only=True)}
    assert rows["Aneby"][2:4] == ("2024", 478_810) and rows["Habo"][3] == 927_826 and set(rows) == {"Aneby", "Habo"}
    lan2024 = {r[0]: r for r in book["Fördelning 2024"].iter_rows(min_row=5, values_only=True)}
    assert len(lan2024) == 13 and lan2024["Aneby"][1] == 478_810
    assert all(not sheet.merged_cells.ranges for sheet in book.worksheets)


def test_each_report_s_data_package_validates(built, tmp_path):
    from frictionless import validate

    with zipfile.ZipFile(built / "habo.datapaket.zip") as archive:
        archive.extractall(tmp_path)
    result = validate(tmp_path / "naravard-habo" / "datapackage.json")
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@needs_pdf
def test_the_pdfs_are_pdf_ua_1_by_every_structural_check(built):
    for slug in ("aneby", "habo"):
        checks = accessibility.pdf_checks(built / f"{slug}.pdf")
        assert [c.requirement for c in checks if not c.passed] == [], slug


@needs_pdf
@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_the_print_has_no_half_empty_page(built):
    """Aneby printed to 8 pages with page 1 half empty; now every page but the last is at least half full."""
    info = subprocess.run(["pdfinfo", str(built / "aneby.pdf")], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert count <= 7
    top, bottom = 51.0, 842 - 57.0  # the page's content area in points (A4, margins 18 and 20 mm)
    for number in range(1, count):
        words = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-bbox", str(built / "aneby.pdf"),
                                "-"], capture_output=True, text=True, check=True).stdout
        lowest = max(float(part.split('"')[1]) for part in words.split("yMax=")[1:])
        assert (lowest - top) / (bottom - top) > 0.5, f"page {number} ends at {lowest:.0f} pt"


def test_the_statement_reports_this_build_s_measurements(built):
    text = " ".join(_soup(built / "tillganglighet.html").get_text(" ").split())
    assert "Kommunrapporterna (webbsidor) 2 filer kontrollerade" in text
    assert "Översikten över alla rapporter 1 fil kontrollerade" in text
    if (built / "aneby.pdf").exists():
        assert "Kommunrapporterna (PDF, PDF/UA-1) 2 filer kontrollerade: 18 av 18" in text
    assert "Granskning i webbläsare Inte kontrollerat i den här körningen" in text
    assert "Den här webbplatsen är delvis förenlig med lagen" in text
    assert downloads.read_publisher() == {"ansvarig": "", "kontakt": ""}  # the shipped file: placeholders shown
    assert accessibility.PLACEHOLDERS["kontakt"] in text


def test_the_build_warns_once_while_the_publisher_s_fields_are_empty(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from naravard_lib.cli import app

    def fake_build(jobs, out, **options):
        out.mkdir(parents=True, exist_ok=True)
        (out / downloads.STATEMENT).write_text("<html></html>", encoding="utf-8")
        return [batch.ReportResult(p.kommun, p.slug, True) for p in jobs]

    monkeypatch.setattr(batch, "build", fake_build)
    publisher = tmp_path / "tillganglighet.yaml"
    monkeypatch.setattr(downloads, "PUBLISHER_FILE", publisher)
    lines = {}
    for name, text in (("empty", 'ansvarig: ""\nkontakt: ""\n'), ("half", 'ansvarig: "Region X"\nkontakt: " "\n'),
                       ("filled", 'ansvarig: "Region X"\nkontakt: "a@example.se"\n')):
        publisher.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, ["build", "-k", "habo", "--out", str(tmp_path / name), "-q"])
        assert result.exit_code == 0, result.output
        lines[name] = [line for line in result.output.splitlines() if "placeholders" in line]
    assert lines["empty"] == [f"note: tillganglighet.html has placeholders: fill in {publisher} (ansvarig, kontakt)"]
    assert lines["half"] == [f"note: tillganglighet.html has placeholders: fill in {publisher} (kontakt)"]
    assert lines["filled"] == []


def test_the_placeholder_note_names_the_shipped_file_relative_to_the_project(monkeypatch):
    from naravard_lib import paths

    monkeypatch.chdir(paths.PARAMETERS_DIR.parent)
    assert downloads.placeholder_warning({}) == ("note: tillganglighet.html has placeholders: fill in "
                                                 "parameters/utgivare/tillganglighet.yaml (ansvarig, kontakt)")
    assert downloads.placeholder_warning({"ansvarig": "Region X", "kontakt": "a@example.se"}) is None


def test_the_report_spreadsheet_holds_the_numbers_its_run_computed(built):
    import nbformat

    from naravard_lib import report

    book = openpyxl.load_workbook(built / "aneby.xlsx")
    sheet = book["Belopp per period"]
    assert [r[2] for r in sheet.iter_rows(min_row=5, values_only=True)] == \
        report.allocation_overview("Aneby")["belopp"].tolist()
    notebook = nbformat.read(built / "aneby.ipynb", as_version=4)
    assert any(downloads.TABLES_TAG in c.metadata.get("tags", []) and c.outputs for c in notebook.cells)
    assert "report-tables" not in (built / "aneby.html").read_text(encoding="utf-8")  # not shown to readers
