"""What readers see follows the data folder: a new year, and another län (issue 18, tests 8a and 8b).

Both folders are made in the tests from FICTIONAL numbers (``tests/datafolders.py``), never in
``data/``, and go through the commands a user runs, each with ``--data``: ``naravard validate``,
``naravard data derive``, ``naravard validate`` again, ``naravard build``. Then the published files are
read back as a reader reads them. The dashboard's page is checked in a browser in
``tests/browser/test_data_folder_pages.py``; the data layer itself in ``tests/test_data_folders.py``.
"""

from __future__ import annotations

import ast
import csv
import nbformat
import openpyxl
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

import datafolders
from naravard_lib import paths
from naravard_lib.cli import app

pytestmark = pytest.mark.slow


def naravard(*args: str):
    """The command line, as a user runs it (``naravard ...``), in this process; ``--data`` is undone afterwards."""
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        paths.use_data(None)  # ``--data`` made the folder active in this process


def _text(path) -> str:
    """A published page's text as a reader sees it (no-break spaces read as spaces)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split()).replace("\xa0", " ")


def _cells(folder, period: str):
    """The Nära vård cells of ``period`` in a data folder's ``allocations.csv``, by municipality."""
    import pandas as pd

    table = pd.read_csv(folder / "allocations.csv", dtype={"period": str})
    return table[(table["period"] == period) & (table["insatsomrade"] == "Nära vård")].set_index("kommun")["amount_sek"]


def _summary(out) -> dict[str, dict]:
    with open(out / "summary.csv", encoding="utf-8") as handle:
        return {row["kommun"]: row for row in csv.DictReader(handle)}


@pytest.fixture
def active(request):
    """Make a folder the active data folder in this process for one test, and go back afterwards."""
    def use(folder):
        paths.use_data(folder)
    request.addfinalizer(lambda: paths.use_data(None))
    return use


def _requires_calls() -> dict[str, str]:
    """The ``data.require(...)`` statement in the first code cell of each teaching notebook 00-04."""
    calls = {}
    for notebook in sorted(paths.NOTEBOOKS_DIR.glob("0[0-4]_*.ipynb")):
        cell = next(c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
        tree = ast.parse(cell.source)
        call = next(node for node in tree.body if isinstance(node, ast.Expr)
                    and getattr(node.value.func, "attr", "") == "require")
        calls[notebook.name] = ast.get_source_segment(cell.source, call)
    return calls


# --------------------------------------------------------------------------- (a) a new year


@pytest.fixture(scope="module")
def new_year(tmp_path_factory):
    """The shipped data plus a FICTIONAL 2025 table and its document; the user's steps and their results."""
    root = tmp_path_factory.mktemp("nytt-ar")
    folder, out = datafolders.copy_shipped(root), root / "rapporter"
    datafolders.add_fictional_year(folder, "2025")
    cells = _cells(folder, "2025")
    steps = {"validate_before": naravard("validate", "--data", str(folder)),
             "derive": naravard("data", "derive", "--data", str(folder)),
             "validate_after": naravard("validate", "--data", str(folder)),
             "build": naravard("build", "--data", str(folder), "--out", str(out), "-q")}
    return folder, out, cells, steps


def test_a_new_year_is_validated_derived_and_built(new_year):
    folder, out, cells, steps = new_year
    before = steps["validate_before"]
    assert before.exit_code == 2 and "2025" in before.output and "naravard data derive" in before.output
    assert steps["derive"].exit_code == 0 and "period 2025" in steps["derive"].output
    assert steps["validate_after"].exit_code == 0, steps["validate_after"].output
    assert steps["build"].exit_code == 0, steps["build"].output
    assert len(list(out.glob("*.html"))) == 13 + 2  # every report, the index and the accessibility statement
    assert not (folder / "reports").exists() and not (folder / ".naravard").exists()  # nothing written into the data


def test_this_year_is_2025_in_the_summary(new_year):
    folder, out, cells, _steps = new_year
    rows = _summary(out)
    assert set(rows) == set(cells.index)
    shipped = {r["kommun"]: int(r["amount_sek"]) for r in csv.DictReader(open(paths.DATA_DIR / "allocations.csv",
                                                                             encoding="utf-8"))
               if r["period"] == "2024"}
    for kommun, amount in cells.items():
        row = rows[kommun]
        assert (row["ar"], row["foregaende_ar"], row["flerarsperiod"]) == ("2025", "2024", "2019-2022")
        assert int(row["nara_vard"]) == amount and int(row["totalt_foregaende_ar"]) == shipped[kommun]
        assert int(row["forandring"]) == amount - shipped[kommun]
        assert row["befolkning_datum"] == "2024-11-01"
    swedish = (out / "summary_sv.csv").read_text(encoding="utf-8-sig").splitlines()
    assert swedish[0].split(";")[:4] == ["Kommun", "Status", "År", "Nära vård (kr)"]
    assert all(line.split(";")[2] == "2025" for line in swedish[1:])


def test_the_index_and_a_report_read_2025_as_this_year(new_year):
    _folder, out, cells, _steps = new_year
    index = _text(out / "index.html")
    assert "insatsområde Nära vård 2025 enligt" in index and "Nära vård 2025 (kr)" in index
    assert "Förändring från 2024 (kr)" in index and "befolkningen 1 nov 2024, som 2025 års tabell" in index
    total = f"{int(cells.sum()):,}".replace(",", " ")
    assert f"Hela länet (13 kommuner) {total}" in index
    report = _text(out / "habo.html")
    habo = f"{int(cells['Habo']):,}".replace(",", " ")
    assert f"Habo fick {habo} kr inom insatsområde Nära vård 2025" in report and "Jämfört med 2024 blev" in report
    assert datafolders.FICTIONAL_TITLE in report  # its document, from sources.csv
    assert "2025 Nära vård" in report and "Stapeldiagram: Nära vård 2025 per kommun" in (out / "habo.html").read_text()
    book = openpyxl.load_workbook(out / "habo.xlsx", read_only=True)
    assert "Nära vård 2025" in book.sheetnames


def test_the_what_if_starts_at_the_2025_table(new_year, active):
    from naravard_lib.allocation import Scenario, what_if_table
    from naravard_lib.widgets import WhatIf

    folder, _out, cells, _steps = new_year
    active(folder)
    table = what_if_table().set_index("kommun")
    assert Scenario().period == "2025" and Scenario().pool == 30_000_000
    assert table["belopp"].to_dict() == cells.to_dict() and (table["skillnad"] == 0).all()
    widget = WhatIf()
    assert "största skillnad mot publicerat: <b>0\xa0kr</b>" in widget.message.value
    assert "Nära vård 2025 i scenariot" in widget.table_view.value and widget.period == "2025"
    assert set(widget.amounts) == {"pool"}  # the fictional 2025 total includes no set-asides


def test_the_teaching_notebooks_keep_their_data_with_a_new_year(new_year, active):
    from naravard_lib import data

    active(new_year[0])
    calls = _requires_calls()
    assert len(calls) == 5
    for call in calls.values():
        eval(call, {"data": data})  # raises MissingData if a notebook would stop


# --------------------------------------------------------------------------- (b) another län


@pytest.fixture(scope="module")
def other_lan(tmp_path_factory):
    """A minimal FICTIONAL folder for Kronobergs län (its eight real municipalities, one period, one source)."""
    root = tmp_path_factory.mktemp("annat-lan")
    folder, out = datafolders.other_lan(root, derive=False), root / "rapporter"
    cells = _cells(folder, "2025")
    steps = {"derive": naravard("data", "derive", "--data", str(folder)),
             "validate": naravard("validate", "--data", str(folder)),
             "build": naravard("build", "--data", str(folder), "--out", str(out), "-q")}
    return folder, out, cells, steps


def _published_text(out) -> dict[str, str]:
    """Every text a reader of the output folder can open: pages, CSV files, spreadsheets, notebooks."""
    texts = {path.name: _text(path) for path in out.glob("*.html")}
    texts.update({path.name: path.read_text(encoding="utf-8-sig") for path in out.glob("*.csv")})
    texts.update({path.name: path.read_text(encoding="utf-8") for path in out.glob("*.ipynb")})
    for path in out.glob("*.xlsx"):
        book = openpyxl.load_workbook(path, read_only=True)
        texts[path.name] = " ".join([book.properties.title or "", book.properties.creator or ""] + [
            str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row if value])
    return texts


def test_another_lan_is_derived_validated_and_built(other_lan):
    _folder, out, cells, steps = other_lan
    assert steps["derive"].exit_code == 0 and "8 municipalities" in steps["derive"].output
    assert steps["validate"].exit_code == 0, steps["validate"].output
    assert steps["build"].exit_code == 0, steps["build"].output
    assert sorted(p.stem for p in out.glob("*.ipynb")) == sorted(datafolders.KRONOBERG_SLUGS.values())
    rows = _summary(out)
    assert {k: int(r["nara_vard"]) for k, r in rows.items()} == cells.to_dict()
    assert all(r["ar"] == "2025" and r["foregaende_ar"] == "" and r["forandring"] == "" for r in rows.values())


def test_nothing_readers_see_names_jonkoping_or_counts_13(other_lan):
    out = other_lan[1]
    texts = _published_text(out)
    slugs = list(datafolders.KRONOBERG_SLUGS.values())
    assert set(texts) == {*(f"{s}.{kind}" for s in slugs for kind in ("html", "ipynb", "xlsx")), "index.html",
                          "tillganglighet.html", "summary.csv", "summary_sv.csv", "lanet.xlsx"}
    for name, text in texts.items():
        for word in ("Jönköping", "13 kommuner", "av 13", "tretton", "tolv"):
            assert word not in text, f"{name} says {word!r}"
    index = texts["index.html"]
    assert "Nära vård i Kronobergs län – kommunrapporter" in index and "Hela länet (8 kommuner)" in index
    assert "Förändring (kr)" in index and "Det finns inget tidigare år att jämföra med." in index
    assert "länets 8 kommuner" in texts["ljungby.html"] and "2 av 8" in texts["ljungby.html"]


def test_sections_without_data_are_left_out(other_lan):
    out = other_lan[1]
    soup = BeautifulSoup((out / "ljungby.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in soup.main.find_all("h2")]
    assert headings == ["Innehåll", "Sammanfattning", "Statsbidraget år för år", "Om rapporten"]
    assert len(soup.find_all("img")) == 1  # the bar chart; no map without a multi-year period
    notebook = nbformat.read(out / "ljungby.ipynb", as_version=4)
    assert not any("Landsbygd" in c.source or "Omställningen" in c.source for c in notebook.cells)


def test_the_map_draws_the_folders_municipalities_by_code(other_lan, active):
    from naravard_lib import plots

    folder, _out, cells, _steps = other_lan
    active(folder)
    ax = plots.lan_map(cells / 1000, "Fiktiva belopp (tkr)", highlight="Ljungby", legend_label="tkr")
    assert sorted(t.get_text() for t in ax.texts if t.get_text()) == sorted(cells.index)


def test_a_teaching_notebook_stops_at_its_first_cell_with_one_swedish_sentence(other_lan, active):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from naravard_lib import data
    from naravard_lib.errors import MissingData

    folder = other_lan[0]
    active(folder)
    for name, call in _requires_calls().items():
        with pytest.raises(MissingData, match=r"^Den här anteckningsboken \(.* behöver filen .*som datamappen .* saknar"):
            eval(call, {"data": data})
    notebook = nbformat.read(paths.NOTEBOOKS_DIR / "02_forflyttning_2019_2023.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []  # the committed outputs; the run below shows what the user gets
    client = NotebookClient(notebook, kernel_name=paths.KERNEL_NAME, timeout=120,
                            resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    first = next(c for c in notebook.cells if c.cell_type == "code")
    error = next(o for o in first.outputs if o.output_type == "error")
    assert error.ename == "MissingData" and len(error.traceback) == 1  # one sentence, no traceback
    assert error.traceback[0].startswith("Den här anteckningsboken (förflyttningen 2019 → 2023 i Jönköpings län) behöver")
    assert "filen initiatives.csv" in error.traceback[0] and "\n" not in error.traceback[0]
    assert all(not c.get("outputs") for c in notebook.cells[notebook.cells.index(first) + 1:])


def test_another_lan_s_dashboard_shows_its_municipalities_only(other_lan, active):
    """The dashboard's content for the other län (the page itself is checked in a browser for a new year)."""
    from naravard_lib import dashboard
    from naravard_lib.widgets import Dashboard

    folder, _out, cells, _steps = other_lan
    active(folder)
    board = Dashboard()
    assert board.kommun == "Växjö" and list(board.choice.options) == list(cells.index)
    assert board.initiatives is None and board.strategies is None  # no such data in the folder
    shown = " ".join([dashboard.intro_markdown(), board.figures.value, board.what_if_heading.value,
                      board.what_if.message.value, board.what_if.table_view.value, dashboard.closing_markdown(),
                      dashboard.source_what_if()]).replace("\xa0", " ")
    assert "# Nära vård i Kronobergs län – översikt" in shown and "länets 8 kommuner" in shown
    assert "största skillnad mot publicerat: <b>0 kr</b>" in shown
    for word in ("Jönköping", "13 kommuner", "av 13", "tretton", "tolv", "Förändring"):
        assert word not in shown, word
    assert dashboard.kommun_from_query("kommun=Habo")[1] == "Kommunen ”Habo” finns inte i Kronobergs län. Sidan visar Växjö."
