"""Splitting, key recovery and exact reproduction of the published 2023 and 2024 tables."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naravard_lib import allocation as al
from naravard_lib import data, municipalities
from naravard_lib.errors import RecoveryError

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("ci")

populations = st.lists(st.integers(1_000, 60_000), min_size=3, max_size=13)
pool_sizes = st.integers(0, 500_000_000)


def _exact(pool, weights):
    total = sum(weights)
    return [Fraction(pool * w, total) for w in weights]


@given(pool_sizes, populations)
def test_largest_remainder_sums_exactly_and_stays_within_one_krona(pool, weights):
    amounts = al.split_pro_rata(pool, weights, rounding="largest_remainder")
    assert amounts.sum() == pool
    assert all(abs(a - e) < 1 for a, e in zip(amounts, _exact(pool, weights)))


@given(pool_sizes, populations)
def test_per_cell_is_half_up_of_the_exact_share(pool, weights):
    amounts = al.split_pro_rata(pool, weights, rounding="per_cell")
    for amount, exact in zip(amounts, _exact(pool, weights)):
        assert amount == math.floor(exact + Fraction(1, 2))
        assert abs(amount - exact) <= Fraction(1, 2)


@given(st.integers(10_000_000, 40_000_000), populations, st.integers(0, 3_000_000))
def test_set_asides_come_off_the_top(pool, weights, set_aside):
    amounts = al.split_pro_rata(pool, weights, set_asides={"x": set_aside}, rounding="largest_remainder")
    assert amounts.sum() == pool - set_aside


@given(populations, st.integers(20, 200))
def test_key_recovery_round_trips(weights, rate):
    pool = rate * sum(weights) + 7  # a pool that is not a multiple of the total
    cells = al.split_pro_rata(pool, weights)
    total = sum(weights)
    solutions = al.recover_population_key(cells, (int(total * 0.97), int(total * 1.03)), pools={0: pool})
    # Degenerate keys (e.g. all weights equal) admit several vectors; the true one is among them.
    found = {tuple(s.weights): s for s in solutions}
    assert tuple(weights) in found
    low, high = found[tuple(weights)].pools[0]
    assert low <= pool <= high
    for solution in solutions:  # and every answer really reproduces every cell
        assert (al.split_pro_rata(pool, solution.weights.tolist()).tolist() == cells.tolist())


@given(populations.filter(lambda w: len(w) >= 5), st.integers(40, 200), st.data())
def test_key_recovery_reports_no_solution_for_perturbed_cells(weights, rate, draw):
    pool = rate * sum(weights) + 3
    cells = al.split_pro_rata(pool, weights).tolist()
    broken = draw.draw(st.integers(0, len(cells) - 1))
    cells[broken] += rate // 2  # half a person's worth: no integer weight can absorb it
    total = sum(weights)
    with pytest.raises(RecoveryError) as info:
        al.recover_population_key(pd.Series(cells), (int(total * 0.97), int(total * 1.03)), pools={0: pool})
    assert broken in info.value.conflicts


def test_validation_of_arguments():
    with pytest.raises(ValueError, match="rounding"):
        al.split_pro_rata(100, [1, 2], rounding="bankers")
    with pytest.raises(ValueError, match="exceed"):
        al.split_pro_rata(100, [1, 2], set_asides={"a": 101})
    with pytest.raises(ValueError, match="base_share"):
        al.blended_key(pd.Series([1, 2]), 1.5)


def test_blended_key_with_zero_base_is_the_population_key():
    population = al.populations("2024")
    assert (al.split_pro_rata(25_821_974, al.blended_key(population, 0))
            == al.split_pro_rata(25_821_974, population)).all()
    equal = al.split_pro_rata(1300, al.blended_key(population, 1.0))
    assert set(equal) == {100}


# ------------------------------------------------------------------ the published tables

def test_all_52_published_2023_and_2024_cells_are_reproduced_exactly():
    cells = pd.concat([al.reproduce("2023"), al.reproduce("2024")])
    assert len(cells[cells.insatsomrade != "Totalt"]) == 52  # 3 x 13 in 2023, 13 in 2024
    assert len(cells) == 65  # the 2023 Totalt column is a split of its own, reproduced too
    assert (cells["difference"] == 0).all()


def test_pools_are_the_stated_totals_less_the_set_asides():
    assert al.pools("2024") == {"Nära vård": 28_921_974 - 3_100_000}
    assert al.pools("2023")["Vidareutbildning"] == 3_800_909


@pytest.mark.parametrize("period, total", [("2023", 368_963), ("2024", 369_201)])
def test_recovery_from_the_published_cells_gives_the_shipped_populations(period, total):
    published = data.allocation_table(period).drop(columns=[], errors="ignore")
    solutions = al.recover_population_key(published, (300_000, 450_000))
    assert len(solutions) == 1
    solution = solutions[0]
    assert solution.total == total
    assert solution.weights.to_dict() == al.populations(period).to_dict()
    for column, pool in al.pools(period).items():
        low, high = solution.pools[column]
        assert low <= pool <= high


def test_recovered_2024_population_gives_the_published_percentages():
    share = 100 * al.populations("2024") / al.populations("2024").sum()
    published = data.load_population_share_2024().set_index("kommun")["share_percent"]
    assert (share.round(2) == published.reindex(share.index)).all()


def test_rounding_gap_explains_the_column_mismatches():
    gaps = al.rounding_gap("2023").set_index("insatsomrade")["gap"].to_dict()
    assert gaps == {"Nära vård": -1, "Vårdens medarbetare": 0, "Vidareutbildning": -2, "Totalt": 1}
    assert al.rounding_gap("2024")["gap"].tolist() == [1]


def test_multi_year_analysis():
    result = al.analyse_multi_year().set_index("test")["holds"]
    assert al.analyse_multi_year("2019-2022", (300_000, 450_000)).equals(al.analyse_multi_year())
    assert result["Vidareutbildning i hela 400 000 kr"]
    assert not result["En befolkningsnyckel för Nära vård + Vårdens medarbetare"]
    assert not result["Samma fördelning i båda kolumnerna"]


def test_change_decomposition_adds_up():
    change = al.change().set_index("kommun")
    assert change.attrs == {"period": "2024", "previous": "2023", "column": "Nära vård"}
    assert list(change.index) == list(municipalities.names())
    total = change["pool_effect"] + change["share_effect"] + change["rounding"]
    assert (total - change["change"]).abs().max() < 1e-6
    assert change["rounding"].abs().max() <= 1
    assert change.loc["Aneby", "change"] == 478_810 - 505_708
    # the pool shrank by 1 484 846 kr, so the pool effect is negative everywhere
    assert (change["pool_effect"] < 0).all()


# --------------------------------------------------------------------------- the what-if computation


def test_default_scenario_reproduces_the_published_2024_table():
    table = al.what_if_table()
    assert (table["skillnad"] == 0).all()
    assert table["belopp"].sum() == 25_821_973


def test_largest_remainder_adds_up_to_the_pool_after_set_asides():
    table = al.what_if_table(al.Scenario(pool=30_000_000, digitalisering=0, lanssamordning=2_000_000,
                                         rounding="largest_remainder", base_share=0.3))
    assert table["belopp"].sum() == 28_000_000


def test_an_equal_base_moves_money_to_small_municipalities():
    table = al.what_if_table(al.Scenario(base_share=0.2)).set_index("kommun")
    assert table.at["Aneby", "skillnad"] > 0 > table.at["Jönköping", "skillnad"]
