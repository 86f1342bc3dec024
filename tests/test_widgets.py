"""The what-if, the initiative filter and the strategy explorer: wiring and what they show (no browser)."""

import pytest

from naravard_lib import transition
from naravard_lib.allocation import Scenario, what_if_table
from naravard_lib.formatting import parse_kronor
from naravard_lib.widgets import InitiativeFilter, StrategyExplorer, WhatIf, table_html


def _plain(text) -> str:
    """``text`` with no-break spaces read as spaces (the output keeps them; the test compares words)."""
    return str(text).replace("\xa0", " ")


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


def test_widget_starts_at_the_published_allocation_with_exact_kronor():
    widget = WhatIf()
    assert _plain(widget.controls["pool"].value) == "28 921 974"  # exact, Swedish style, no step rounding
    assert widget.amounts["pool"].slider.step == 1
    assert "största skillnad mot publicerat: <b>0 kr</b>" in _plain(widget.message.value)
    assert "478 810" in _plain(widget.table_view.value) and "10 234 342" in _plain(widget.chart_view.value)


def test_widget_follows_typed_amounts_and_rounding():
    widget = WhatIf()
    widget.controls["pool"].value = "30 000 000"
    assert widget.table["belopp"].sum() == 30_000_000 - 3_100_000 - 1  # per-cell rounding
    assert widget.amounts["pool"].slider.value == 30_000_000
    widget.controls["rounding"].value = "largest_remainder"
    assert widget.table["belopp"].sum() == 30_000_000 - 3_100_000
    assert "26 900 000 kr" in _plain(widget.message.value)
    widget.controls["pool"].value = "28921974 kr"  # typed without spaces: accepted and written back in style
    assert _plain(widget.controls["pool"].value) == "28 921 974"


def test_the_slider_moves_the_exact_amount():
    widget = WhatIf()
    widget.amounts["digitalisering"].slider.value = 0
    assert widget.controls["digitalisering"].value == "0"
    assert widget.table["belopp"].sum() > 25_821_973


@pytest.mark.parametrize("typed", ["30,5", "-5", "tjugo miljoner", "999 999 999 999"])
def test_a_bad_amount_is_explained_and_nothing_stale_is_shown(typed):
    widget = WhatIf()
    widget.controls["pool"].value = typed
    assert widget.message.value.startswith("<b>Går inte:</b>")
    assert widget.table.empty and widget.table_view.value == "" and widget.chart_view.value == ""
    widget.controls["pool"].value = "28 921 974"  # correcting it brings the results back
    assert "<b>0 kr</b>" in _plain(widget.message.value) and widget.table_view.value


def test_impossible_settings_leave_only_the_explanation():
    widget = WhatIf()
    widget.controls["digitalisering"].value = "40 000 000"
    assert "avsättningarna är större än potten" in widget.message.value
    assert widget.table.empty and widget.table_view.value == "" and widget.chart_view.value == ""


def test_highlight_and_alt_text_name_the_chosen_municipality():
    widget = WhatIf(highlight="Habo")
    assert 'aria-label="Stapeldiagram: Nära vård 2024 per kommun i scenariot. Störst belopp får Jönköping' in widget.chart_view.value
    assert 'font-weight:bold;"><span style="width:90px;text-align:right;flex:none">Habo<' in widget.chart_view.value


def test_parse_kronor_accepts_swedish_spellings_only():
    assert parse_kronor("28 921 974") == parse_kronor("28921974 kr") == parse_kronor("28\u00a0921\u00a0974") == 28_921_974
    for bad in ("28,5", "1.5", "", "28 92 974"):
        with pytest.raises(ValueError, match="hela kronor"):
            parse_kronor(bad)


def test_filter_dropdowns_start_at_alla_and_the_count_follows():
    widget = InitiativeFilter()
    assert widget.controls["fokusomrade"].label == "Alla" and widget.controls["strategi"].label == "Alla"
    everything = len(transition.filter_initiatives(distinct=True))
    assert widget.count.value == f"<b>{everything}</b> insatser"
    widget.controls["strategi"].value = 2
    widget.controls["bara_nya"].value = True
    expected = transition.filter_initiatives(strategi=2, bara_nya=True, distinct=True)
    assert widget.count.value == f"<b>{len(expected)}</b> insatser"
    assert all(name in widget.table_view.value for name in expected["namn"].map(lambda n: n.replace("&", "&amp;")))
    assert ">Fokusområde</th>" in widget.table_view.value and "fokusomrade" not in widget.table_view.value


def test_filter_for_one_municipality():
    widget = InitiativeFilter(kommun="Habo")
    assert "som omfattar Habo" in widget.count.value
    assert len(widget.table) == transition.includes(transition.initiatives(distinct=True), "Habo").sum()


def test_strategy_explorer_shows_the_chosen_quote_as_html():
    explorer = StrategyExplorer()
    explorer.choice.value = 3
    assert "<h3>Strategi 3." in explorer.profile.value and "– Esther" in explorer.profile.value


def test_table_html_escapes_and_scopes_headers():
    import pandas as pd

    page = table_html(pd.DataFrame({"Namn": ["<b>x</b>"]}), caption="Test")
    assert "&lt;b&gt;x&lt;/b&gt;" in page and '<th scope="col"' in page and "<caption>Test</caption>" in page
