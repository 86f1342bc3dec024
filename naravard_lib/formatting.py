"""Numbers written the Swedish way, as users expect them in tables and reports."""

from __future__ import annotations

import html
import math
import re
import unicodedata

import numpy as np
import pandas as pd

#: The thousands separator and the space before a unit: a NO-BREAK SPACE (U+00A0), as in Swedish typography
#: (SCB's included), so that "1 244 655" and "39,63 %" never break across lines in a page, a PDF or a cell.
NBSP = "\u00a0"
_SPACE = NBSP


def format_number(value: float, decimals: int = 0) -> str:
    """Format a number with a no-break space as thousands separator and comma as decimal mark.

    >>> format_number(1244655)
    '1\xa0244\xa0655'
    >>> format_number(-1689)
    '−1\xa0689'
    >>> format_number(70.1234, 2)
    '70,12'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}".replace(",", _SPACE).replace(".", ",")
    sign = "−" if value < 0 and text.strip("0," + _SPACE) else ""
    return sign + text


def format_sek(value: float, decimals: int = 0, unit: str = "kr") -> str:
    """Format an amount in kronor: ``format_sek(1244655)`` gives ``'1 244 655 kr'`` (no-break spaces)."""
    return f"{format_number(value, decimals)}{_SPACE}{unit}"


def format_mnkr(value: float, decimals: int = 1) -> str:
    """Format an amount in millions of kronor: ``format_mnkr(28921974)`` gives ``'28,9 mnkr'`` (no-break space)."""
    return f"{format_number(value / 1e6, decimals)}{_SPACE}mnkr"


def format_percent(value: float, decimals: int = 2) -> str:
    """Format a percentage given in percent units: ``format_percent(39.63)`` gives ``'39,63 %'`` (no-break space)."""
    return f"{format_number(value, decimals)}{_SPACE}%"


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


#: Swedish headings for the column names the library's tables use (one glossary for every display).
HEADERS: dict[str, str] = {
    "kommun": "Kommun", "period": "Period", "insatsomrade": "Insatsområde", "check": "Kontroll",
    "column": "Kolumn", "stated": "Angiven summa (kr)", "computed": "Beräknat (kr)", "difference": "Skillnad (kr)",
    "population": "Befolkning", "published": "Publicerat (kr)", "pool": "Pott (kr)",
    "cells_sum": "Cellernas summa (kr)", "gap": "Skillnad mot potten (kr)", "test": "Prövning",
    "holds": "Stämmer", "finding": "Resultat", "steg": "Steg", "belopp": "Belopp (kr)", "källa": "Källa",
    "andel_av_foregaende": "Andel av föregående steg (%)", "del": "Del", "mått": "Mått", "värde": "Värde",
    "enhet": "Enhet", "amount_2023": "Belopp 2023 (kr)", "amount_2024": "Belopp 2024 (kr)",
    "share_2023_pct": "Befolkningsandel 2023 (%)", "share_2024_pct": "Befolkningsandel 2024 (%)",
    "change": "Förändring (kr)", "pool_effect": "Varav potten (kr)", "share_effect": "Varav befolkningsandelen (kr)",
    "rounding": "Varav avrundning (kr)", "befolkning": "Befolkning", "per_invanare": "Per invånare (kr)",
    "publicerat": "Publicerat (kr)", "skillnad": "Skillnad (kr)", "niva": "Nivå", "etikett": "Etikett",
    "beskrivning": "Beskrivning", "antal": "Antal", "fokusomrade": "Fokusområde", "insatser": "Insatser",
    "medel_2019": "Medelnivå 2019", "medel_2023": "Medelnivå 2023", "medel_forandring": "Förändring i medelnivå",
    "nya": "Nya sedan 2019", "hela_systemet_2023": "I hela systemet 2023", "strategi": "Strategi",
    "titel": "Titel", "initiativ_id": "Insats nr", "insats": "Insats", "matt": "Mått", "varde_2019": "Värde 2019",
    "varde_2023": "Värde 2023", "citat_2023": "Källans ord 2023", "id": "Nr", "namn": "Namn",
    "niva_2019": "Nivå 2019", "niva_2023": "Nivå 2023", "rackvidd_2023": "Räckvidd 2023",
    "strategier": "Strategier", "motivering": "Motivering", "ordning": "Nr", "citat": "Källans ord",
    "ramverk": "Ramverk", "aktor": "Aktör", "roll": "Roll", "belopp_2024": "Belopp 2024 (kr)", "datum": "Datum",
    "slutdatum": "Slutdatum", "handelse": "Händelse", "anmarkning": "Anmärkning",
}


def _cell(value, decimals: int) -> str:
    """One cell for readers: numbers the Swedish way, missing values as a dash, booleans as ja/nej."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nej"
    if isinstance(value, (int, np.integer)):
        return format_number(int(value))
    if isinstance(value, (float, np.floating)):
        return format_number(float(value), decimals)
    return str(value)


#: Columns that hold years or codes: shown as they are, never with thousands spaces ("2023", not "2 023").
PLAIN_COLUMNS = frozenset({"år", "År", "ar", "year", "ordning", "id", "Rad", "rad", "initiativ_id", "strategi", "niva"})


def swedish_table(frame, money=(), percent=(), number=(), decimals: int = 2, percent_decimals: int = 2,
                  headers: dict[str, str] | None = None, plain=()):
    """A display copy of ``frame`` for readers: Swedish headings and every value written the Swedish way.

    Money columns are whole kronor (``1 244 655``), percent columns ``39,63 %``, other numbers get
    thousands spaces (integers) or ``decimals`` decimals (floats); missing values show as "–".
    Headings come from :data:`HEADERS` (or ``headers``). A plain 0, 1, 2 … index is replaced by the
    first column, so rows are named by what they are. Unlike ``DataFrame.style``, the result renders
    to the same HTML on every run, which keeps committed notebook outputs comparable by nbval.

    Parameters
    ----------
    money : columns shown as whole kronor
    percent : columns in percent units
    number : columns shown with ``decimals`` decimals (the default for any other float column)
    headers : extra or overriding Swedish headings, by column name
    plain : columns shown as they are (besides :data:`PLAIN_COLUMNS`: years, numbers that are codes)
    """
    names = {**HEADERS, **(headers or {})}
    shown = frame.copy()
    if isinstance(shown.index, pd.RangeIndex) and len(shown.columns) > 1:
        shown = shown.set_index(shown.columns[0])
    for column in shown.columns:
        if column in money:
            shown[column] = shown[column].map(lambda v: _cell(v, 0) if pd.isna(v) else format_number(v, 0))
        elif column in percent:
            shown[column] = shown[column].map(lambda v: _cell(v, 0) if pd.isna(v) else format_percent(v, percent_decimals))
        elif column in PLAIN_COLUMNS or column in plain:
            shown[column] = shown[column].map(lambda v: "–" if pd.isna(v) else str(v))
        else:
            shown[column] = shown[column].map(lambda v: _cell(v, decimals))
    if shown.index.dtype.kind in "iuf":
        shown.index = shown.index.map(lambda v: _cell(v, decimals))
    heading = shown.index.name
    shown.index.name = None
    shown.columns = [names.get(c, c) for c in shown.columns]
    shown.columns.name = names.get(heading, heading)
    return shown


def markdown_text(value) -> str:
    """Text from the data or parameters, ready to stand in Markdown: ``<``, ``>`` and ``&`` escaped.

    Markdown renderers (JupyterLab, nbconvert, mistune) pass raw HTML through, so a ``<`` in the
    data would start a tag; escaped, the reader sees the text as written.

    >>> markdown_text("väntetid <vecka 2 & andel>50 %")
    'väntetid &lt;vecka 2 &amp; andel&gt;50 %'
    """
    return html.escape(str(value), quote=False)


def slugify(name: str) -> str:
    """An ASCII file name for a name with å/ä/ö (a report, a municipality).

    >>> slugify("Jönköpings län")
    'jonkopings-lan'
    >>> slugify("Habo (utkast)")
    'habo-utkast'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "rapport"


_NUMBER_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
                 "tretton")


def number_word(count: int) -> str:
    """A small count in Swedish words (``6`` → ``"sex"``), larger ones in digits, as a sentence counts.

    >>> number_word(6), number_word(13), number_word(21)
    ('sex', 'tretton', '21')
    """
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def swedish_list(items: list[str]) -> str:
    """Items as a Swedish sentence lists them: commas, then "och" before the last.

    >>> swedish_list(["2019–2022", "2023", "2024"]), swedish_list(["2024"]), swedish_list([])
    ('2019–2022, 2023 och 2024', '2024', '')
    """
    return ", ".join(items[:-1]) + " och " + items[-1] if len(items) > 1 else "".join(items)


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")
_SHORT_MONTHS = ("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec")


def swedish_date(iso: str, short: bool = False) -> str:
    """An ISO date as Swedish prose writes it: ``"1 november 2022"``, or with ``short`` ``"1 nov 2022"``.

    >>> swedish_date("2022-11-01"), swedish_date("2023-11-01", short=True)
    ('1 november 2022', '1 nov 2023')
    """
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {(_SHORT_MONTHS if short else _MONTHS)[month - 1]} {year}"
