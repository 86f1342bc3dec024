"""The 2019 → 2023 data: every seed row present and coded; summaries match hand counts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from naravard_lib import data, transition
from naravard_lib.schemas import FOKUSOMRADEN
from seedtext import squash

# Rows per table in seed 004, counted by hand (one table per focus area).
ROWS_PER_AREA = dict(zip(FOKUSOMRADEN, [8, 10, 8, 6, 6, 8]))


_squash = squash


def test_row_count_equals_the_seed():
    table = data.load_initiatives()
    assert len(table) == sum(ROWS_PER_AREA.values()) == 46
    assert table.groupby("fokusomrade").size().to_dict() == ROWS_PER_AREA
    assert list(table["id"]) == list(range(1, 47))


def test_rows_are_found_in_the_seed_in_order_and_in_their_section(seeds):
    table = data.load_initiatives()
    text = _squash((seeds / table.source.iloc[0]).read_text(encoding="utf-8"))
    heads = {s: text.index(_squash(s)) for s in table["section"].unique()}
    order = sorted(heads.values())
    position = 0
    for row in table.itertuples():
        found = text.find(row.seed_anchor, position)
        assert found >= 0, f"row {row.id}: anchor not found after the previous row"
        start = heads[row.section]
        later = [h for h in order if h > start]
        assert start < found < (later[0] if later else len(text)), f"row {row.id} is outside its section"
        position = found + 1
    # each table in the seed opens with a "Vad fanns … 2019? Vad finns 2023?" header
    assert len(re.findall(r"Vad fanns (?:inte )?2019\? Vad finns 2023\?", text)) == len(ROWS_PER_AREA)


def test_every_fanns_ej_in_the_seed_is_a_level_0_row(seeds):
    table = data.load_initiatives()
    text = (seeds / table.source.iloc[0]).read_text(encoding="utf-8")
    assert len(re.findall(r"Fanns ej", text)) == (table["lage_2019"] == "Fanns ej").sum() == 30
    assert (table.loc[table["lage_2019"] == "Fanns ej", "niva_2019"] == 0).all()


def test_every_row_has_both_levels_a_rationale_and_a_strategy():
    table = data.load_initiatives()
    assert table[["niva_2019", "niva_2023"]].notna().all().all()
    assert (table["motivering"].str.len() > 20).all()
    assert (table["niva_2023"] >= table["niva_2019"]).all()  # the seed reports no step backwards
    assert set(data.load_codebook()["niva"]) == set(range(5))


def test_duplicates_point_to_an_earlier_row_with_the_same_coding():
    table = data.load_initiatives().set_index("id")
    repeats = table[table["samma_som"] != ""]
    assert list(repeats.index) == [43, 46]
    for rid, row in repeats.iterrows():
        original = table.loc[int(row.samma_som)]
        assert int(row.samma_som) < rid
        assert (original.niva_2019, original.niva_2023) == (row.niva_2019, row.niva_2023)


def test_uncertain_rows_say_so_in_their_rationale():
    table = data.load_initiatives()
    assert table.loc[table["osaker"], "id"].tolist() == [22, 29, 37]
    assert table.loc[table["osaker"], "motivering"].str.contains("osäker").all()


def test_overall_shift_matches_hand_count():
    shift = transition.overall_shift().set_index("mått")["antal"].to_dict()
    assert shift == {
        "Rader i källans tabeller": 46,
        "Olika insatser": 44,
        "Fanns inte 2019 (nivå 0)": 30,
        "Från ingenting till hela systemet (0 → 4)": 3,   # rows 1, 5, 10 (20, 30: decided, not 4)
        "Från ingenting till minst spridning (0 → 3–4)": 15,
        "Införda i hela systemet 2023 (nivå 4)": 8,
        "Oförändrad nivå": 3,                              # rows 16, 17, 38
        "Kodning markerad osäker": 3,
    }


def test_transition_matrix_matches_hand_count():
    matrix = transition.transition_matrix()
    assert matrix.to_numpy().sum() == 44
    assert matrix.loc[0].tolist() == [0, 0, 15, 12, 3]
    assert matrix.loc[1].tolist() == [0, 0, 0, 3, 1]
    assert matrix.loc[2].tolist() == [0, 0, 3, 3, 3]
    assert matrix.loc[3].tolist() == [0, 0, 0, 0, 1]
    assert matrix.loc[4].tolist() == [0] * 5


def test_by_focus_area_and_by_strategy():
    areas = transition.by_focus_area().set_index("fokusomrade")
    assert areas["insatser"].sum() == 44
    assert areas.loc["Hälsofrämjande och förebyggande", "hela_systemet_2023"] == 3  # rows 10, 11, 12
    assert areas.loc["Arbetssätt över organisationsgränser, kompetens och digitalisering", "medel_2019"] == 0
    strategies = transition.by_strategy().set_index("strategi")
    assert strategies.loc[3, "insatser"] == 4  # rows 2, 5, 7, 30
    assert strategies["insatser"].sum() == transition.initiatives(distinct=True)["strategi_lista"].map(len).sum()


def test_filter():
    found = transition.filter_initiatives(strategi=2, bara_nya=True, min_niva_2023=4)
    assert found["id"].tolist() == [1, 5]  # row 20 is decided, not introduced everywhere
    assert len(transition.filter_initiatives()) == 46
    assert set(transition.filter_initiatives(fokusomrade="Gemensamma stödsystem")["id"]) == set(range(33, 39))


def test_indicators_are_quoted_from_the_seed(seeds):
    table = data.load_indicators()
    text = _squash((seeds / table.source.iloc[0]).read_text(encoding="utf-8"))
    for row in table.itertuples():
        for quote in (row.citat_2019, row.citat_2023):
            if isinstance(quote, str):
                assert quote in text, row.key
    by_key = table.set_index("key")
    assert (by_key.loc["halsocenter_kommuner", ["varde_2019", "varde_2023"]].tolist() == [1, 13])
    assert (by_key.loc["familjecentraler_antal", ["varde_2019", "varde_2023"]].tolist() == [20, 23])
    assert by_key.loc["patientkontrakt_overenskommelser", "varde_2023"] == 800_000
    assert set(table["initiativ_id"]) <= set(data.load_initiatives()["id"])


def test_filter_can_count_each_initiative_once():
    assert len(transition.filter_initiatives(distinct=True)) == 44
    assert 46 not in set(transition.filter_initiatives(strategi=1, distinct=True)["id"])


def test_every_indicator_value_has_its_phrase():
    table = data.load_indicators()
    for year in ("2019", "2023"):
        given = table[f"varde_{year}"].notna()
        assert table.loc[given, f"citat_{year}"].map(lambda q: isinstance(q, str) and len(q) > 3).all(), year
    by_key = table.set_index("key")
    assert pd.isna(by_key.at["peer_startar", "varde_2023"])  # no 2023 phrase gives a start year
    assert by_key.loc[["hlv_lagsta_alder", "hlv_hogsta_alder"], "varde_2019"].tolist() == [16, 84]
    assert by_key.at["strategidokument_kommuners_ledningssystem", "varde_2023"] == 13
    assert by_key.at["ehalsostrategi_beslutad_ar", "ar"] == 2023  # an event's year, not a value
    assert pd.isna(by_key.at["hlv_hogsta_alder", "varde_2023"])  # empty means "not given", nothing else
