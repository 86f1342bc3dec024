import pytest

from naravard_lib.formatting import NBSP, format_mnkr, format_number, format_percent, format_sek, parse_kronor


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_swedish_number_style():
    assert _plain(format_sek(1244655)) == "1 244 655 kr"
    assert _plain(format_sek(478810)) == "478 810 kr"
    assert _plain(format_percent(39.63)) == "39,63 %"
    assert format_number(70.125, 1) == "70,1"
    assert _plain(format_number(-1689)) == "−1 689"
    assert format_number(-0.0001, 2) == "0,00"
    assert _plain(format_mnkr(28_921_974)) == "28,9 mnkr"
    assert format_number(float("nan")) == "–"


def test_numbers_and_their_units_never_break_across_lines():
    # A no-break space (U+00A0) between thousands and before the unit; no ordinary space anywhere.
    assert format_sek(1244655) == "1\u00a0244\u00a0655\u00a0kr"
    assert format_percent(39.63) == "39,63\u00a0%"
    assert format_mnkr(2_420_000_000, 0) == "2\u00a0420\u00a0mnkr"
    assert format_number(-1_484_848) == "−1\u00a0484\u00a0848"
    for text in (format_sek(1244655, 2), format_percent(100), format_number(-1689), format_mnkr(28_921_974)):
        assert " " not in text, repr(text)


def test_parse_kronor_accepts_swedish_spellings_only():
    assert parse_kronor("28 921 974") == parse_kronor("28921974 kr") == parse_kronor("28\u00a0921\u00a0974") == 28_921_974
    for bad in ("28,5", "1.5", "", "28 92 974"):
        with pytest.raises(ValueError, match="hela kronor"):
            parse_kronor(bad)
