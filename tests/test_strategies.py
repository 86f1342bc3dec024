"""The strategies, the målbild side by side, and the strategy explorer."""

import pytest

from naravard_lib import data, strategies, widgets
from naravard_lib.errors import UnknownMunicipality


def test_four_strategies_with_quotes():
    table = data.load_strategies()
    assert table["strategi"].tolist() == [1, 2, 3, 4]
    assert table.loc[table.strategi == 3, "titel"].item() == "Förändrade arbetssätt"
    assert all(len(q) < 130 for q in table["esther_citat"])  # short quotes only


def test_frameworks_have_the_expected_items():
    counts = data.load_frameworks().groupby("ramverk").size().to_dict()
    assert counts == {"enkla_regler": 3, "skr_principer": 3, "sormland_begrepp": 3, "forflyttningar": 4,
                      "framgangsfaktorer": 9, "ok_omraden": 5, "ok_ska": 3, "larmodell": 4, "grunduppdrag": 5,
                      "ok2024_delar": 7, "medel_kan": 6, "insatser_generella": 4, "insatser_sarskilda": 5}


def test_mapping_links_every_strategy_with_a_reason():
    mapping = strategies.mapping_table()
    assert mapping["Strategi"].tolist() == [1, 2, 3, 4]
    assert mapping.set_index("Strategi").at[3, "Sörmland"] == "Nära"
    assert mapping.set_index("Strategi").at[1, "Förflyttning"] == "Reaktiv → Proaktiv och hälsofrämjande"
    assert (mapping["Motivering"].str.len() > 80).all()


def test_profile_gathers_initiatives_money_and_indicators():
    p = strategies.profile(1)
    assert p["citat"].startswith("Jag vet vad som påverkar min hälsa")
    assert {"Hälsocenter", "Familjecentraler"} <= set(p["insatser"]["namn"])
    assert "Hälsofrämjande och förebyggande arbetssätt" in set(p["pengar"]["namn"])
    assert "Kommuner med hälsocenter" in set(p["indikatorer"]["matt"])
    assert len(strategies.profile(3)["insatser"]) == 4
    with pytest.raises(ValueError, match="1, 2, 3 or 4"):
        strategies.profile(5)


def test_explorer_follows_the_choice():
    explorer = widgets.StrategyExplorer()
    assert "Strategi 1." in explorer.text
    explorer.choice.value = 4
    assert "Strategi 4. Stärkta förutsättningar" in explorer.text and "Esther" in explorer.text


def test_cards():
    assert strategies.strategy_cards([2]).count("**Strategi") == 1


def test_timeline_is_ordered_and_notes_the_date_conflict():
    timeline = data.load_timeline()
    row = timeline.set_index("datum").loc["2021-07-01"]
    assert "1 juni" in row["anmarkning"]
    assert "2025-07-01" in set(timeline["datum"])


def test_roles_carry_the_2024_money():
    roles = data.load_roles().set_index("aktor")
    assert roles.at["Kommunerna", "belopp_2024"] == 750_000_000
    assert roles.at["SKR", "belopp_2024"] == 34_000_000


def test_measurement_areas_and_commitments_per_strategy():
    areas = strategies.measurement_areas()
    assert areas.groupby("strategi").size().to_dict() == {1: 3, 2: 5, 3: 2, 4: 1}
    assert (areas.loc[areas.strategi == 2, "grupp"].str.startswith("Uppföljning av gemensamma resultat")).all()
    assert strategies.strategy_list(4, "implementering")[0] == "Lednings- och samverkansstrukturer"
    with pytest.raises(ValueError, match="lista must be one of"):
        strategies.strategy_list(4, "implementation")
    assert strategies.commitments(3)["namn"].tolist() == ["Digitala vårdtjänster"]
    assert len(strategies.commitments()) == 6
    table = strategies.follow_up_table()
    assert table["Strategi"].tolist() == [1, 2, 3, 4]
    assert "Kontinuitet, fast läkarkontakt och kontinuitetsindex" in table.at[1, "Mätområden"]


def test_follow_up_markdown_names_every_measurement_area():
    text = strategies.follow_up_markdown("Sävsjö")
    assert text.startswith("Sävsjö och de andra tolv kommunerna")
    for area in strategies.measurement_areas()["matomrade"]:
        assert area.rstrip(".") in text
    assert "ReKo" in text and "Källa:" in text and ".*." not in text
    with pytest.raises(UnknownMunicipality, match="did you mean 'Sävsjö'"):
        strategies.follow_up_markdown("Savsjoo")


def test_sormland_comparison():
    compared = strategies.plan_comparison().set_index("Aspekt")
    assert compared.at["Tidshorisont", "Sörmland"].startswith("2022–2035")
    assert compared.at["Struktur", "Sörmland"] == "3 begrepp med 21 mål (”Hit ska vi!”)"
    assert "11 mätområden" in compared.at["Uppföljning", "Jönköpings län"]
    goals = strategies.goals_by_strategy().set_index("Strategi")
    assert goals.at[3, "Sörmland (vår koppling)"] == "Nära"
    assert goals.at[3, "Mål i Sörmland (”Hit ska vi!”)"] == 6
    last = strategies.sormland_goals("Tillsammans")["mal"].iloc[-1]
    assert last == "Tillsammans löser vi utmaningar som vi ställs inför."


def test_ok2024_parts_show_the_unspecified_remainder():
    parts = strategies.ok2024_parts().set_index("post")
    assert parts.at["Ej specificerat i källan", "belopp_sek"] == 226_250_000
    assert parts.at["Ej specificerat i källan", "typ"] == "härledd"
    assert parts.at["varav primärvård på landsbygd", "kommentar"] == "ingår i regionerna"
    areas = strategies.ok2024_areas()
    assert len(areas) == 7 and (areas["belopp"] == "nej").sum() == 5
    assert len(strategies.money_uses()) == 6
