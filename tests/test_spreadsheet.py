"""The Swedish spreadsheets read back with openpyxl: cover sheet, one table per sheet, numbers and formats."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from naravard_lib import report, spreadsheet
from naravard_lib.tables import MISSING, Column, Table, report_tables


@pytest.fixture(scope="module")
def aneby():
    tables = report_tables("Aneby")
    content = spreadsheet.workbook_bytes("Nära vård i Aneby – tabellerna i kommunrapporten", "Tabellerna bakom.",
                                         tables, "2026-11-25 01:00", "abc1234")
    return content, openpyxl.load_workbook(io.BytesIO(content)), tables


def test_cover_sheet_comes_first_and_says_what_where_when(aneby):
    _, book, tables = aneby
    assert book.sheetnames == [spreadsheet.COVER_SHEET, *(t.sheet for t in tables)]
    cover = book[spreadsheet.COVER_SHEET]
    lines = [row[0] for row in cover.iter_rows(values_only=True) if row[0]]
    assert lines[0] == "Nära vård i Aneby – tabellerna i kommunrapporten"
    for expected in ("Tabellerna i den här filen", "Källor", report.source_allocations(), report.source_initiatives(),
                     "Byggd", "2026-11-25 01:00", "Dataversion", "abc1234", "Anteckningar"):
        assert expected in lines, expected
    links = [c.hyperlink.location for c in cover["A"] if c.hyperlink]
    assert links == [f"'{t.sheet}'!A1" for t in tables]  # each table named and linked from the cover


def test_one_table_per_sheet_with_title_source_and_swedish_headers(aneby):
    _, book, tables = aneby
    for table in tables:
        sheet = book[table.sheet]
        assert sheet["A1"].value and sheet["A1"].font.b
        assert sheet["A2"].value == table.source
        assert list(sheet.tables) == [f"Tabell{tables.index(table) + 1}_{table.name}"]
        ref = sheet.tables[list(sheet.tables)[0]].ref
        assert ref.startswith("A4:")
        headers = [c.value for c in sheet[4]]
        assert headers == [c.title for c in table.columns]
        assert sheet.freeze_panes == "A5"  # title, source and header rows stay in view
        assert sheet.max_row == 4 + len(table.frame)
        assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCD"[:len(table.columns)])
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title


def test_numbers_are_numbers_with_swedish_display_formats(aneby):
    _, book, _ = aneby
    sheet = book["Belopp per period"]
    header = [c.value for c in sheet[4]]
    rows = [dict(zip(header, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=5)]
    last = rows[-1]  # 2024, Nära vård
    assert last["Period"].value == "2024" and last["Insatsområde"].value == "Nära vård"
    assert last["Belopp (kr)"].value == 478_810 and last["Belopp (kr)"].number_format == "#,##0"
    assert last["Länets 13 kommuner (kr)"].value == 25_821_973
    assert last["Andel av länet"].value == pytest.approx(0.018543, abs=1e-5)
    assert last["Andel av länet"].number_format == '0.00"\u00a0"%'  # Swedish Excel: "1,85 %"
    assert last["Per invånare (kr)"].value == pytest.approx(69.94, abs=0.005)
    assert last["Per invånare (kr)"].number_format == "#,##0.00"
    assert last["Befolkningens datum"].value.date().isoformat() == "2023-11-01"
    overview = report.allocation_overview("Aneby")
    assert [r["Belopp (kr)"].value for r in rows] == overview["belopp"].tolist()  # the report's own numbers


def test_missing_values_are_written_in_words():
    table = Table("t", "Test", "Test.", "Källa: test.", [Column("namn", "Namn"), Column("x", "X (kr)", "integer")],
                  pd.DataFrame({"namn": ["a", None], "x": [1.0, float("nan")]}))
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.workbook_bytes("T", "t", [table], "", "")))
    values = [[c.value for c in row] for row in book["Test"].iter_rows(min_row=5)]
    assert values == [["a", 1], [MISSING, MISSING]]
    cover = [row[0] for row in book[spreadsheet.COVER_SHEET].iter_rows(values_only=True) if row[0]]
    assert "okänt" in cover and "okänd (ingen git-version)" in cover  # not left blank


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (soffice) or poppler-utils not installed")
def test_a_spreadsheet_opens_in_libreoffice_with_swedish_numbers(aneby, tmp_path):
    content, _, _ = aneby
    (tmp_path / "aneby.xlsx").write_bytes(content)
    env = {"LANG": "sv_SE.UTF-8", "LC_ALL": "sv_SE.UTF-8", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "aneby.xlsx")], env=env, check=True,
                   capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "aneby.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    plain = text.replace("\xa0", " ").replace("\u202f", " ")
    assert "Nära vård i Aneby – tabellerna i kommunrapporten" in plain
    assert "1 928 270" in plain and "25 821 973" in plain  # thousands grouped with a space
    assert "1,85 %" in plain and "69,94" in plain  # decimal comma, percent with a space


def test_the_tables_survive_the_trip_through_the_report_notebook():
    from naravard_lib.tables import report_tables_json, tables_from_json

    direct, shown = report_tables("Habo"), tables_from_json(report_tables_json("Habo"))
    assert [t.name for t in shown] == [t.name for t in direct]
    for before, after in zip(direct, shown, strict=True):
        assert after.columns == before.columns and after.title == before.title and after.source == before.source
        assert after.frame.astype(object).values.tolist() == before.frame.astype(object).values.tolist()
