from naravard_lib.formatting import format_mnkr, format_number, format_percent, format_sek


def test_swedish_number_style():
    assert format_sek(1244655) == "1 244 655 kr"
    assert format_sek(478810) == "478 810 kr"
    assert format_percent(39.63) == "39,63 %"
    assert format_number(70.125, 1) == "70,1"
    assert format_number(-1689) == "−1 689"
    assert format_number(-0.0001, 2) == "0,00"
    assert format_mnkr(28_921_974) == "28,9 mnkr"
    assert format_number(float("nan")) == "–"
