"""The reconciliation lists every total/cell mismatch present in the seed tables."""

from naravard_lib.reconciliation import reconcile_totals

# (period, check, column, kommun, stated, computed) for every mismatch in seed 000's tables.
EXPECTED = {
    ("2019-2022", "kolumnsumma", "Vårdens medarbetare", "", 46_759_217, 46_757_528),
    ("2019-2022", "kolumnsumma", "Totalt", "", 91_050_702, 91_049_013),
    ("2023", "kolumnsumma", "Nära vård", "", 27_306_820, 27_306_821),
    ("2023", "kolumnsumma", "Vidareutbildning", "", 3_800_909, 3_800_911),
    ("2023", "kolumnsumma", "Totalt", "", 38_709_547, 38_709_546),
    ("2024", "kolumnsumma inkl. digitalisering + lanssamordning", "Nära vård", "", 28_921_974, 28_921_973),
    ("2023", "radsumma", "Totalt", "Aneby", 716_880, 716_881),
    ("2023", "radsumma", "Totalt", "Eksjö", 1_877_339, 1_877_340),
    ("2023", "radsumma", "Totalt", "Gislaved", 3_095_815, 3_095_816),
    ("2023", "radsumma", "Totalt", "Vetlanda", 2_904_556, 2_904_557),
}


def test_every_mismatch_is_listed_and_nothing_else():
    found = reconcile_totals()
    rows = {tuple(r) for r in found[["period", "check", "column", "kommun", "stated", "computed"]].itertuples(index=False)}
    assert rows == EXPECTED
    assert (found["difference"] == found["stated"] - found["computed"]).all()


def test_the_2019_2022_gap_is_1689_kronor_in_one_column():
    found = reconcile_totals().set_index(["period", "column"])
    assert found.loc[("2019-2022", "Vårdens medarbetare"), "difference"] == 1689


def test_matches_are_available_on_request():
    everything = reconcile_totals(include_matches=True)
    # 9 stated totals + 26 row totals (13 in 2019-2022, 13 in 2023)
    assert len(everything) == 35
    assert (everything["difference"] == 0).sum() == 25
