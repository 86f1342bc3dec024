from naravard_lib import flows


def test_national_parts_leave_an_unexplained_remainder():
    parts = flows.national_parts().set_index("del")["belopp"]
    assert parts["Summa av de angivna delarna"] == 3_204_000_000
    assert parts["Ej specificerat i källan"] == 226_250_000


def test_money_flow_steps():
    flow = flows.money_flow_2024().set_index("steg")["belopp"].tolist()
    assert flow == [3_430_250_000, 750_000_000, 28_921_974, 25_821_974, 25_821_973]


def test_lan_share_against_population_share():
    table = flows.lan_share_of_kommun_pool().set_index("mått")["värde"]
    assert round(table.iloc[0], 3) == 3.856
    assert round(table.iloc[1], 3) == 3.499
    assert round(table.iloc[4]) == 2_679_703
