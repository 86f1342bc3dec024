"""What one municipality's report says."""

import pytest

from naravard_lib import report
from naravard_lib.errors import ParameterError


def test_key_figures_for_aneby():
    figures = report.key_figures("Aneby")
    assert figures["nara_vard_2024"] == 478_810
    assert figures["rang_2024"] == 13 and figures["landsbygdskommun"] is True
    assert figures["andel_medel_2024_pct"] == figures["andel_befolkning_2024_pct"] == 1.85
    assert figures["forandring_2023_2024"] == figures["nara_vard_2024"] - 505_708
    assert abs(figures["varav_pott"] + figures["varav_befolkningsandel"] - figures["forandring_2023_2024"]) <= 2


def test_summary_text_reads_the_numbers_the_swedish_way():
    text = report.summary_text("Jönköping")
    assert "10 234 342 kr" in text and "39,63 %" in text and "krympte" in text
    assert "räknas inte som landsbygdskommun" in text
    assert "landsbygdskommun**" in report.summary_text("Vetlanda")


def test_overview_table_covers_every_published_cell_of_the_municipality():
    table = report.overview_table("Värnamo")
    assert len(table) == 9  # 4 columns 2019-2022, 4 in 2023, 1 in 2024
    assert table.iloc[-1]["Belopp (kr)"] == "2 421 258" and table.iloc[-1]["Rang i länet"] == "2 av 13"


def test_initiatives_for_a_municipality():
    jonkoping = report.initiatives_for("Jönköping")
    aneby = report.initiatives_for("Aneby")
    assert "Elevhälsocentral" in set(jonkoping["Insats"])  # piloted with Jönköpings kommun
    assert "Elevhälsocentral" not in set(aneby["Insats"])
    assert "Regelboken stödjer omställningen" not in set(aneby["Insats"])  # the region's own
    assert aneby.iloc[0]["Nivå 2023"].startswith("4 –")


def test_map_values_and_rural_text():
    per_capita = report.per_capita_2019_2022()
    assert per_capita.idxmax() == "Aneby" and per_capita.idxmin() == "Jönköping"
    assert "inte en av länets landsbygdskommuner" in report.rural_text("Habo")


def test_unknown_municipality_is_a_plain_error():
    with pytest.raises(ParameterError, match="did you mean 'Tranås'"):
        report.key_figures("Tranas")


def test_html_table_is_deterministic_and_left_aligns_text():
    frame = report.initiatives_for("Habo")
    first = report.html_table(frame, left=("Insats",), name="insatser")
    assert first == report.html_table(frame, left=("Insats",), name="insatser")
    assert "text-align: left" in first and "Patientkontrakt" in first
