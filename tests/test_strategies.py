"""The strategies, the målbild side by side, and the strategy explorer."""

import pytest

from naravard_lib import data, strategies, widgets


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


def test_cards_and_wheel():
    assert strategies.strategy_cards([2]).count("**Strategi") == 1
    ax = strategies.wheel()
    assert "Strategi 3\nFörändrade arbetssätt" in [t.get_text() for t in ax.texts]


def test_timeline_is_ordered_and_notes_the_date_conflict():
    timeline = data.load_timeline()
    row = timeline.set_index("datum").loc["2021-07-01"]
    assert "1 juni" in row["anmarkning"]
    assert "2025-07-01" in set(timeline["datum"])


def test_roles_carry_the_2024_money():
    roles = data.load_roles().set_index("aktor")
    assert roles.at["Kommunerna", "belopp_2024"] == 750_000_000
    assert roles.at["SKR", "belopp_2024"] == 34_000_000
