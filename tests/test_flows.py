from naravard_lib import flows


def test_national_parts_leave_an_unexplained_remainder():
    parts = flows.national_parts().set_index("del")["belopp"]
    assert parts["Summa av de angivna delarna"] == 3_204_000_000
    assert parts["Ej specificerat i källan"] == 226_250_000


def test_money_flow_steps():
    flow = flows.money_flow().set_index("steg")["belopp"].tolist()
    assert flow == [3_430_250_000, 750_000_000, 28_921_974, 25_821_974, 25_821_973]


def test_lan_share_against_population_share():
    table = flows.lan_share_of_kommun_pool().set_index("mått")["värde"]
    assert round(table.iloc[0], 3) == 3.856
    assert round(table.iloc[1], 3) == 3.499
    assert round(table.iloc[4]) == 2_679_703


def test_the_share_says_the_two_totals_differ_in_scope(seeds):
    note = flows.scope_note()
    assert "Utvecklingen av den nära vården med primärvården som nav och goda förutsättningar för vårdens " \
           "medarbetare" in note and "bara insatsområde Nära vård" in note
    assert "inte förklarar" not in " ".join(flows.lan_share_of_kommun_pool()["mått"])
    text = " ".join((seeds / "000_b4d30c94750151c6.txt").read_text(encoding="utf-8").split())
    heading = note.split("”")[1]
    assert heading in text.replace("*", "").replace("  ", " ")
    # the heading stands above the 2 420 / 750 / 34 mnkr lines
    assert text.replace("*", "").index(heading) < text.index("750 mnkr till kommunerna")
