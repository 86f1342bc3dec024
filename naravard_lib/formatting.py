"""Numbers written the Swedish way, as users expect them in tables and reports."""

from __future__ import annotations

import math
import re

_SPACE = " "


def format_number(value: float, decimals: int = 0) -> str:
    """Format a number with space as thousands separator and comma as decimal mark.

    >>> format_number(1244655)
    '1 244 655'
    >>> format_number(-1689)
    '−1 689'
    >>> format_number(70.1234, 2)
    '70,12'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}".replace(",", _SPACE).replace(".", ",")
    sign = "−" if value < 0 and text.strip("0, ") else ""
    return sign + text


def format_sek(value: float, decimals: int = 0, unit: str = "kr") -> str:
    """Format an amount in kronor: ``format_sek(1244655)`` gives ``'1 244 655 kr'``."""
    return f"{format_number(value, decimals)} {unit}"


def format_mnkr(value: float, decimals: int = 1) -> str:
    """Format an amount in millions of kronor: ``format_mnkr(28921974)`` gives ``'28,9 mnkr'``."""
    return f"{format_number(value / 1e6, decimals)} mnkr"


def format_percent(value: float, decimals: int = 2) -> str:
    """Format a percentage given in percent units: ``format_percent(39.63)`` gives ``'39,63 %'``."""
    return f"{format_number(value, decimals)} %"


_UNITS = {
    "miljarder": 1_000_000_000,
    "mdr": 1_000_000_000,
    "miljoner": 1_000_000,
    "milj": 1_000_000,
    "mnkr": 1_000_000,
}
_AMOUNT = re.compile(r"(\d[\d ]*(?:\s?,\s?\d+)?)\s*(miljarder|mdr|miljoner|milj|mnkr)?\b")


def parse_swedish_amount(text: str) -> float | None:
    """Read the first amount in a published phrase, in kronor (or percent for ``%``).

    Handles the spellings of the seeds: ``'1 ,2 miljoner kronor'``, ``'1,9 milj'``,
    ``'2 420 mnkr'``, ``'3 430 250 000 kronor'``, ``'11% av medlen'``. Returns None when
    the phrase holds no number (e.g. ``'motsvarande summa'``).
    """
    match = _AMOUNT.search(text)
    if not match:
        return None
    number = float(re.sub(r"\s", "", match.group(1)).replace(",", "."))
    return number * _UNITS.get(match.group(2) or "", 1)


_KRONOR = re.compile(r"^\s*(\d{1,3}(?:[\s\u00a0\u202f]\d{3})+|\d+)\s*(?:kr|kronor)?\s*$", re.IGNORECASE)


def parse_kronor(text: str) -> int:
    """Read a whole-krona amount typed the Swedish way: ``'28 921 974'``, ``'28921974 kr'``.

    Raises
    ------
    ValueError
        With a Swedish message the user can act on, for anything that is not whole kronor.
    """
    match = _KRONOR.match(str(text))
    if not match:
        raise ValueError(f"”{text}” är inte ett belopp i hela kronor. Skriv till exempel 28 921 974.")
    return int(re.sub(r"\D", "", match.group(1)))


def swedish_table(frame, money=(), percent=(), number=(), decimals: int = 0, percent_decimals: int = 2):
    """A display copy of ``frame`` with numbers written the Swedish way (as text).

    Unlike ``DataFrame.style``, the result renders to the same HTML on every run, which keeps
    committed notebook outputs comparable by nbval.

    Parameters
    ----------
    money : columns shown as whole kronor (``1 244 655``)
    percent : columns in percent units shown as ``39,63 %``
    number : columns shown with ``decimals`` decimals
    """
    shown = frame.copy()
    for column in money:
        shown[column] = shown[column].map(lambda v: format_number(v, 0))
    for column in percent:
        shown[column] = shown[column].map(lambda v: format_percent(v, percent_decimals))
    for column in number:
        shown[column] = shown[column].map(lambda v: format_number(v, decimals))
    return shown
