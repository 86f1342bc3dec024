"""The periods of the active data folder (``periods.csv``) and THE one period → population mapping.

A period is one published allocation table: a single year (``kind = år``, e.g. ``2024``) or one
table summing several years (``flerår``, e.g. ``2019-2022``). Its cells are its rows in
``allocations.csv``; its pools are its stated totals in ``published_figures.csv``. The latest
single year is "this year" wherever readers see one. No year is written in the code.

Examples
--------
>>> from naravard_lib import periods
>>> periods.single_years(), periods.latest_year(), periods.previous_year("2024")
(['2023', '2024'], '2024', '2023')
>>> periods.population_period("2019-2022"), periods.population_date("2019-2022")
('2023', '2022-11-01')
"""

from __future__ import annotations

import pandas as pd

from . import data
from .errors import DataError


def periods() -> pd.DataFrame:
    """The folder's ``periods.csv``, in file order (``period, kind, population_date, …``)."""
    return data.load("periods")


def _start(period: str) -> int:
    return int(str(period)[:4])


def _end(period: str) -> int:
    return int(str(period)[-4:])


def _row(period: str) -> pd.Series:
    table = periods().set_index("period")
    if period not in table.index:
        raise DataError(data.TABLES["periods"].file, f"no period {period!r}{data.suggest(period, table.index)}; "
                                                     f"the periods are {', '.join(table.index)}")
    return table.loc[period]


def all_periods() -> list[str]:
    """Every period, oldest first (a multi-year period before the single years it precedes)."""
    return sorted(periods()["period"], key=lambda p: (_end(p), _start(p)))


def single_years() -> list[str]:
    """The single-year periods, oldest first."""
    return sorted(periods().query("kind == 'år'")["period"], key=_start)


def multi_year() -> list[str]:
    """The multi-year periods, oldest first."""
    return sorted(periods().query("kind == 'flerår'")["period"], key=lambda p: (_end(p), _start(p)))


def kind(period: str) -> str:
    """``"år"`` or ``"flerår"``."""
    return str(_row(period)["kind"])


def latest_year() -> str:
    """"This year": the latest single-year period (the summary, key figures, index and what-if use it)."""
    years = single_years()
    if not years:
        raise DataError(data.TABLES["periods"].file, "no single-year period (kind år); the reports need one")
    return years[-1]


def previous_year(period: str) -> str | None:
    """The single year before ``period`` (for the change decomposition), or None for the first.

    >>> previous_year("2023") is None
    True
    """
    before = [p for p in single_years() if _start(p) < _start(period)]
    return before[-1] if before else None


def population_period(period: str) -> str:
    """The single year whose population ``period`` is divided by: itself for a single year; for a
    multi-year period the nearest single year after it (2019-2022 → 2023: the population of 1 Nov 2022).

    Raises
    ------
    DataError
        For a multi-year period with no single year after it.
    """
    if kind(period) == "år":
        return period
    after = [p for p in single_years() if _start(p) > _end(period)]
    if not after:
        raise DataError(data.TABLES["periods"].file, f"period {period} has no population of its own and no "
                                                     "single year after it to borrow one from")
    return after[0]


def population_date(period: str) -> str:
    """The date (YYYY-MM-DD) of the population ``period`` is divided by (see :func:`population_period`)."""
    return str(_row(population_period(period))["population_date"])


def population_date_stated(period: str) -> bool:
    """Whether the source prints that date (False: assumed, as for the 2023 table)."""
    return bool(_row(population_period(period))["population_date_stated"])


def columns(period: str) -> list[str]:
    """The period's columns (insatsområden, and ``Totalt`` if printed) in the order of ``allocations.csv``.

    >>> columns("2024")
    ['Nära vård']
    """
    cells = data.load_allocations()
    return list(cells.loc[cells["period"] == _row(period).name, "insatsomrade"].unique())


def source_rows(period: str) -> pd.DataFrame:
    """The period's ``source`` and ``section`` (the table it is), for a "Källa:" line."""
    return periods().loc[lambda t: t["period"] == period, ["source", "section"]]
