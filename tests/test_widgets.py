"""The what-if: its computation, and the widget wiring (no browser needed)."""

from naravard_lib.allocation import Scenario, what_if_table
from naravard_lib.widgets import WhatIf


def test_default_scenario_reproduces_the_published_2024_table():
    table = what_if_table()
    assert (table["skillnad"] == 0).all()
    assert table["belopp"].sum() == 25_821_973


def test_largest_remainder_adds_up_to_the_pool_after_set_asides():
    table = what_if_table(Scenario(pool=30_000_000, digitalisering=0, lanssamordning=2_000_000,
                                   rounding="largest_remainder", base_share=0.3))
    assert table["belopp"].sum() == 28_000_000


def test_an_equal_base_moves_money_to_small_municipalities():
    table = what_if_table(Scenario(base_share=0.2)).set_index("kommun")
    assert table.at["Aneby", "skillnad"] > 0 > table.at["Jönköping", "skillnad"]


def test_widget_follows_its_controls(capsys):
    widget = WhatIf()
    assert (widget.table["skillnad"] == 0).all()
    widget.controls["pool"].value = 30_000_000
    assert widget.table["belopp"].sum() == 30_000_000 - 3_100_000 - 1  # per-cell rounding
    widget.controls["rounding"].value = "largest_remainder"
    assert widget.table["belopp"].sum() == 30_000_000 - 3_100_000
    assert "26 900 000 kr" in widget.message.value


def test_impossible_settings_are_explained_not_raised(capsys):
    widget = WhatIf()
    before = widget.table.copy()
    widget.controls["digitalisering"].value = 40_000_000
    assert "Går inte" in widget.message.value
    assert widget.table.equals(before)  # the last valid table stays
